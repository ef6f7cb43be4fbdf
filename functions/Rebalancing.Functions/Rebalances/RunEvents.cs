using System.Text.Json;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Rebalances;

/// <summary>The types of the events a run emits.</summary>
internal static class RunEventTypes
{
    public const string PlanProposed = "rebalance.plan-proposed";
    public const string ApprovalRequested = "rebalance.approval-requested";
    public const string DecisionRecorded = "rebalance.decision-recorded";
    public const string Applied = "rebalance.applied";
    public const string Rejected = "rebalance.rejected";
    public const string Expired = "rebalance.expired";
    public const string Cancelled = "rebalance.cancelled";
    public const string Failed = "rebalance.failed";
    public const string GuardrailBreached = "rebalance.guardrail-breached";

    /// <summary>The event that ends a run of this status.</summary>
    public static string Ended(RunStatus status) => status switch
    {
        RunStatus.Applied => Applied,
        RunStatus.Rejected => Rejected,
        RunStatus.Expired => Expired,
        RunStatus.Cancelled => Cancelled,
        RunStatus.Failed => Failed,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "not a final status"),
    };
}

internal sealed record PlanProposedData(string OrgId, string DeterminismHash, PlanSummary Summary, DateTimeOffset ApprovalDueAt);

internal sealed record ApprovalRequestedData(string OrgId, string ApproverId, string? Email, bool Elevated, DateTimeOffset ApprovalDueAt);

internal sealed record GuardrailBreachedData(string OrgId, string Guardrail, int Moves, string Detail);

internal sealed record DecisionRecordedData(string OrgId, string EventId, string ApproverId, DecisionKind Decision, bool Elevated, int MovesDecided);

internal sealed record RunEndedData(string OrgId, RunStatus Status, string? DeterminismHash, AppliedSummary? Applied, RunError? Error);

/// <summary>
/// Emits a run's events. Each event's id is derived from the run and what happened (<c>{runId}:plan-proposed</c>,
/// <c>{runId}:decision:{eventId}</c>, …), so an activity that runs again emits a duplicate that subscribers drop.
/// </summary>
internal sealed class RunEvents(IEventSink sink, TimeProvider time)
{
    /// <summary>plan-proposed, approval-requested for each approver, and guardrail-breached when moves need an elevated approver; returns how many were emitted.</summary>
    public async Task<int> ProposedAsync(RunView run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var record = run.Record;
        var dueAt = record.ApprovalDueAt ?? time.GetUtcNow();
        await PublishAsync(record.RunId, "plan-proposed", RunEventTypes.PlanProposed,
            new PlanProposedData(record.OrgId, record.DeterminismHash ?? "", record.Summary ?? new PlanSummary(0, 0, 0, 0, 0), dueAt), cancellationToken).ConfigureAwait(false);
        foreach (var approver in record.Input.Approvers)
        {
            await PublishAsync(record.RunId, "approval-requested:" + approver.Id, RunEventTypes.ApprovalRequested,
                new ApprovalRequestedData(record.OrgId, approver.Id, approver.Email, approver.Elevated, dueAt), cancellationToken).ConfigureAwait(false);
        }

        var emitted = 1 + record.Input.Approvers.Count;
        if (record.Summary is { ElevatedMoves: > 0 } summary)
        {
            // The approval guardrails (approval.elevated_value, approval.elevated_share_of_source) were reached: those
            // moves wait for an elevated approver, and whoever watches the events hears of it.
            await PublishAsync(record.RunId, "guardrail-breached:elevated-approval", RunEventTypes.GuardrailBreached,
                new GuardrailBreachedData(record.OrgId, "elevated-approval", summary.ElevatedMoves,
                    $"{summary.ElevatedMoves} of {summary.Moves} moves reach an approval guardrail and need an elevated approver"), cancellationToken).ConfigureAwait(false);
            emitted++;
        }

        return emitted;
    }

    public Task DecisionAsync(RunView run, RecordedDecision decision, int movesDecided, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(decision);
        var d = decision.Decision;
        return PublishAsync(run.RunId, "decision:" + d.EventId, RunEventTypes.DecisionRecorded,
            new DecisionRecordedData(run.OrgId, d.EventId, d.ApproverId, d.Decision, decision.Elevated, movesDecided), cancellationToken);
    }

    public Task FinishedAsync(RunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var type = RunEventTypes.Ended(run.Status);
        return PublishAsync(run.RunId, type["rebalance.".Length..], type,
            new RunEndedData(run.OrgId, run.Status, run.DeterminismHash, run.Applied, run.Error), cancellationToken);
    }

    private Task PublishAsync(string runId, string what, string type, object data, CancellationToken cancellationToken) =>
        sink.PublishAsync(runId, new OutboxEvent($"{runId}:{what}", type, time.GetUtcNow(), JsonSerializer.SerializeToElement(data, StorageJson.Options)), cancellationToken);
}
