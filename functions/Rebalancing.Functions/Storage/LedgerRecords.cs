namespace Rebalancing.Functions.Storage;

/// <summary>Soft states of a transfer order: orders are never deleted.</summary>
internal enum TransferOrderStatus
{
    Applied,
    Cancelled,
}

/// <summary>One applied move, with the as-of context that explains it after the snapshot is replaced.</summary>
internal sealed record TransferOrder(
    string OrgId,
    string RunId,
    string MoveId,
    string Sku,
    string FromLocation,
    string ToLocation,
    long Units,
    int Pass,
    string? Cluster,
    string SnapshotId,
    string SnapshotContentHash,
    TransferOrderStatus Status,
    DateTimeOffset AppliedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The document id: derived from run and move, so a retried apply rewrites the same order.</summary>
    public string OrderId => TransferOrderIds.For(RunId, MoveId);
}

/// <summary>The run's applied totals.</summary>
internal sealed record AppliedTotals(
    string OrgId,
    string RunId,
    int Moves,
    long Units,
    decimal Cost,
    string SnapshotId,
    string SnapshotContentHash,
    DateTimeOffset AppliedAt);

/// <summary>How ledger ids are derived.</summary>
internal static class TransferOrderIds
{
    public static string For(string runId, string moveId) => $"{runId}:{moveId}";
}
