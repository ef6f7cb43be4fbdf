using System.Text.Json;

namespace Rebalancing.Functions.Storage;

/// <summary>A run as stored. <paramref name="Body"/> is the run's record (status, summary, references), opaque to storage.</summary>
internal sealed record RunDocument(
    string RunId,
    string OrgId,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    JsonElement Body);

/// <summary>A value with the ETag to pass to the next conditional write.</summary>
internal sealed record Versioned<T>(T Value, string ETag);

/// <summary>A create-if-absent outcome: the stored value (this call's or the earlier one's) and whether this call created it.</summary>
internal sealed record CreateResult<T>(Versioned<T> Stored, bool Created);

/// <summary>The org's active-run slot after a claim: <see cref="Claimed"/> is false when another run holds it.</summary>
internal sealed record ActiveRunClaim(string OrgId, string ActiveRunId, bool Claimed);

/// <summary>The result of one work item of a run (e.g. one cluster of pass 2), stored once.</summary>
internal sealed record WorkResult(string RunId, string Key, JsonElement Body, DateTimeOffset CompletedAt);

/// <summary>An event a run or an ingestion emits; consumers de-duplicate by <see cref="EventId"/> (delivery is at least once).</summary>
internal sealed record OutboxEvent(string EventId, string Type, DateTimeOffset OccurredAt, JsonElement Data);
