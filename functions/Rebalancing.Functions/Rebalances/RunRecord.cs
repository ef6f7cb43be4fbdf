using System.Text.Json;
using System.Text.Json.Serialization;
using Rebalancing.Engine.Plans;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Rebalances;

/// <summary>
/// The as-of context a run planned from, so the ledger shows why every applied change was made long after the
/// snapshot is replaced: the snapshot (id and content hash), the effective policy, the engine, and the exact input.
/// </summary>
internal sealed record AsOfContext(
    string SnapshotId,
    string SnapshotContentHash,
    DateTimeOffset AsOf,
    string PolicyJson,
    string EngineVersion,
    IReadOnlyList<string> Clusters,
    double ApprovalTimeoutHours,
    int LedgerRecentMoves,
    string PlanningInputHash);

/// <summary>
/// The run's record in the run store (one document, bounded in size: status, summary and references, never moves).
/// The starter writes it; activities complete it (the as-of context, the proposal, the end). While the run is in
/// flight its live status is the orchestration's custom status; <see cref="Status"/> holds the last status written.
/// </summary>
internal sealed record RunRecord(
    string RunId,
    string OrgId,
    RunStatus Status,
    RunInput Input,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public AsOfContext? Context { get; init; }

    public string? DeterminismHash { get; init; }

    public PlanSummary? Summary { get; init; }

    public PlanKpis? KpisBefore { get; init; }

    public PlanKpis? KpisAfter { get; init; }

    public double? OptimalityRatio { get; init; }

    public DateTimeOffset? ProposedAt { get; init; }

    public DateTimeOffset? ApprovalDueAt { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    public AppliedSummary? Applied { get; init; }

    public RunError? Error { get; init; }

    [JsonIgnore]
    public bool IsFinished => Status.IsFinished();

    /// <summary>The run document that stores this record.</summary>
    public Storage.RunDocument ToDocument() =>
        new(RunId, OrgId, Status.ToString(), CreatedAt, UpdatedAt, JsonSerializer.SerializeToElement(this, StorageJson.Options));

    /// <summary>The record a run document stores.</summary>
    public static RunRecord FromDocument(Storage.RunDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return document.Body.Deserialize<RunRecord>(StorageJson.Options)
            ?? throw new InvalidDataException($"run document '{document.RunId}' has no body");
    }
}

/// <summary>A run as the API, the report and the approval pages show it: its record and its live progress.</summary>
internal sealed record RunView(RunRecord Record, RunStatus Status, IReadOnlyList<ClusterProgress> Clusters, DateTimeOffset UpdatedAt, RunError? Error)
{
    public string RunId => Record.RunId;

    public string OrgId => Record.OrgId;

    public RunInput Input => Record.Input;

    public DateTimeOffset CreatedAt => Record.CreatedAt;

    public PlanSummary? Summary => Record.Summary;

    public string? DeterminismHash => Record.DeterminismHash;

    public AppliedSummary? Applied => Record.Applied;

    public bool IsFinished => Status.IsFinished();
}
