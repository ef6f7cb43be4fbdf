namespace Rebalancing.Functions.Storage;

/// <summary>
/// The ledger of applied changes, partitioned by org: one transfer order per applied move (id derived
/// from run and move, so a retry rewrites the same document), the applied totals of each run, and
/// the org's recent moves. Append-only: a correction is a new state of the same order, never a delete.
/// </summary>
internal interface ITransferLedger
{
    /// <summary>Writes the order (insert or same-id overwrite): retrying an apply never duplicates a move.</summary>
    Task<TransferOrder> RecordAsync(TransferOrder order, CancellationToken cancellationToken);

    /// <summary>Moves an order to a new soft state (e.g. cancelled); null when there is no such order.</summary>
    Task<TransferOrder?> SetStatusAsync(string orgId, string runId, string moveId, TransferOrderStatus status, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Point read of one order.</summary>
    Task<TransferOrder?> GetAsync(string orgId, string runId, string moveId, CancellationToken cancellationToken);

    /// <summary>The orders of one run, by move id (one partition).</summary>
    Task<IReadOnlyList<TransferOrder>> ListByRunAsync(string orgId, string runId, CancellationToken cancellationToken);

    /// <summary>The org's orders applied at or after <paramref name="since"/>, by applied-at then id (one partition).</summary>
    Task<IReadOnlyList<TransferOrder>> ListRecentAsync(string orgId, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Writes (or rewrites, idempotently) the run's applied totals.</summary>
    Task RecordTotalsAsync(AppliedTotals totals, CancellationToken cancellationToken);

    /// <summary>Point read of a run's applied totals.</summary>
    Task<AppliedTotals?> GetTotalsAsync(string orgId, string runId, CancellationToken cancellationToken);
}
