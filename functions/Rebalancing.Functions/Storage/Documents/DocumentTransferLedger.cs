using System.Text.Json.Nodes;

namespace Rebalancing.Functions.Storage.Documents;

/// <summary>
/// <see cref="ITransferLedger"/> over the <c>ledger</c> collection, partitioned by org id: orders
/// (<c>{runId}:{moveId}</c>) and totals (<c>totals:{runId}</c>) of all the org's runs live in one
/// partition, so "recent moves of the org" and "orders of a run" are single-partition queries.
/// </summary>
internal sealed class DocumentTransferLedger(IDocumentCollection ledger) : ITransferLedger
{
    internal const string OrderType = "transferOrder";
    internal const string TotalsType = "appliedTotals";
    internal const string AppliedAtKeyField = "appliedAtKey";
    internal const string RunIdField = "runId";

    public async Task<TransferOrder> RecordAsync(TransferOrder order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        StorageIds.Check(order.OrgId, nameof(order));
        StorageIds.Check(order.RunId, nameof(order));
        StorageIds.Check(order.MoveId, nameof(order));

        // Create-if-absent: a retried apply finds its order and rewrites nothing (not even a later soft state).
        var created = await ledger.CreateAsync(order.OrgId, order.OrderId, ToDocument(order), cancellationToken).ConfigureAwait(false);
        if (created is not null)
        {
            return order;
        }

        return await GetAsync(order.OrgId, order.RunId, order.MoveId, cancellationToken).ConfigureAwait(false)
            ?? throw new ConcurrencyConflictException($"Transfer order '{order.OrderId}' exists but could not be read back.");
    }

    public async Task<TransferOrder?> SetStatusAsync(string orgId, string runId, string moveId, TransferOrderStatus status, DateTimeOffset at, CancellationToken cancellationToken)
    {
        StorageIds.Check(orgId, nameof(orgId));
        var id = TransferOrderIds.For(StorageIds.Check(runId, nameof(runId)), StorageIds.Check(moveId, nameof(moveId)));
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var stored = await ledger.ReadAsync(orgId, id, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                return null;
            }

            var order = DocumentRunStore.FromDocument<TransferOrder>(stored);
            if (order.Status == status)
            {
                return order;
            }

            var updated = order with { Status = status, UpdatedAt = at };
            if (await ledger.ReplaceAsync(orgId, id, ToDocument(updated), stored.ETag, cancellationToken).ConfigureAwait(false) is not null)
            {
                return updated;
            }
        }

        throw new ConcurrencyConflictException($"Transfer order '{id}' kept changing; try again.");
    }

    public async Task<TransferOrder?> GetAsync(string orgId, string runId, string moveId, CancellationToken cancellationToken)
    {
        StorageIds.Check(orgId, nameof(orgId));
        var id = TransferOrderIds.For(StorageIds.Check(runId, nameof(runId)), StorageIds.Check(moveId, nameof(moveId)));
        var stored = await ledger.ReadAsync(orgId, id, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : DocumentRunStore.FromDocument<TransferOrder>(stored);
    }

    public async Task<IReadOnlyList<TransferOrder>> ListByRunAsync(string orgId, string runId, CancellationToken cancellationToken)
    {
        StorageIds.Check(orgId, nameof(orgId));
        StorageIds.Check(runId, nameof(runId));
        var stored = await ledger.QueryAsync(orgId, OrderType, new FieldCondition(RunIdField, FieldComparison.Equal, runId), cancellationToken).ConfigureAwait(false);
        return [.. stored.Select(DocumentRunStore.FromDocument<TransferOrder>).OrderBy(o => o.MoveId, StringComparer.Ordinal)];
    }

    public async Task<IReadOnlyList<TransferOrder>> ListRecentAsync(string orgId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        StorageIds.Check(orgId, nameof(orgId));
        var condition = new FieldCondition(AppliedAtKeyField, FieldComparison.AtLeast, StorageJson.SortableInstant(since));
        var stored = await ledger.QueryAsync(orgId, OrderType, condition, cancellationToken).ConfigureAwait(false);
        return
        [
            .. stored.Select(DocumentRunStore.FromDocument<TransferOrder>)
                .OrderBy(o => o.AppliedAt)
                .ThenBy(o => o.OrderId, StringComparer.Ordinal),
        ];
    }

    public async Task RecordTotalsAsync(AppliedTotals totals, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(totals);
        StorageIds.Check(totals.OrgId, nameof(totals));
        StorageIds.Check(totals.RunId, nameof(totals));
        var id = TotalsId(totals.RunId);
        await ledger.UpsertAsync(totals.OrgId, id, DocumentRunStore.ToDocument(totals, TotalsType, totals.OrgId, id), cancellationToken).ConfigureAwait(false);
    }

    public async Task<AppliedTotals?> GetTotalsAsync(string orgId, string runId, CancellationToken cancellationToken)
    {
        StorageIds.Check(orgId, nameof(orgId));
        StorageIds.Check(runId, nameof(runId));
        var stored = await ledger.ReadAsync(orgId, TotalsId(runId), cancellationToken).ConfigureAwait(false);
        return stored is null ? null : DocumentRunStore.FromDocument<AppliedTotals>(stored);
    }

    private static string TotalsId(string runId) => "totals:" + runId;

    private static JsonObject ToDocument(TransferOrder order)
    {
        var document = DocumentRunStore.ToDocument(order, OrderType, order.OrgId, order.OrderId);
        document[AppliedAtKeyField] = StorageJson.SortableInstant(order.AppliedAt);
        return document;
    }
}
