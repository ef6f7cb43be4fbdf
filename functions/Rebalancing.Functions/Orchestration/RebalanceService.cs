using System.Text.Json;
using Rebalancing.Engine.Policies;
using Rebalancing.Functions.Activities;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Orchestration;

/// <summary>What a caller asks a run to plan from; every part optional (the org's latest snapshot, the default policy).</summary>
internal sealed record StartRunRequest(string? SnapshotId = null, string? PolicyJson = null, IReadOnlyList<Approver>? Approvers = null);

/// <summary>How a start request ended.</summary>
internal enum StartRunOutcome
{
    /// <summary>A new run was started.</summary>
    Created,

    /// <summary>The org already has an active run: its id is returned (HTTP 409).</summary>
    Existing,

    /// <summary>No such snapshot (or the org has none).</summary>
    SnapshotNotFound,

    /// <summary>The request is invalid (the policy, an id): see the problems.</summary>
    Invalid,
}

internal sealed record StartRunResult(StartRunOutcome Outcome, string? RunId, IReadOnlyList<string> Problems);

/// <summary>How raising an event ended.</summary>
internal enum RaiseEventOutcome
{
    /// <summary>Kept in the run's inbox; applied now, or when the run starts waiting.</summary>
    Accepted,

    /// <summary>An event with this id was raised before: nothing changes.</summary>
    Duplicate,

    /// <summary>No such run (HTTP 404).</summary>
    UnknownRun,

    /// <summary>The run has finished (HTTP 410).</summary>
    RunFinished,

    /// <summary>Malformed (HTTP 400).</summary>
    Invalid,
}

internal sealed record RaiseEventResult(RaiseEventOutcome Outcome, string? Problem = null);

/// <summary>The payload of an <c>approval</c> event (http-api.md).</summary>
internal sealed record ApprovalEventPayload(string? ApproverId, string? Decision, ApprovalScope? Scope, string? EventId, bool? Elevated);

/// <summary>A move of a run's plan with its decision state.</summary>
internal sealed record RunMoveView(ProposedMove Move, MoveStatus Status);

/// <summary>
/// The application service the HTTP and timer triggers call. Thin: it validates, writes the run's first state or its
/// inbox, and sends the work-queue message; the workers do the rest. Expected outcomes are values, not exceptions.
/// </summary>
internal sealed class RebalanceService(StorageServices stores, RebalanceActivities activities, TimeProvider time, string queueName = QueueNames.Work)
{
    private readonly RunCommandExecutor executor = new(stores, time, queueName);

    /// <summary>Starts a run for the org, or returns the org's active run.</summary>
    public async Task<StartRunResult> StartRunAsync(string orgId, StartRunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsId(orgId) || (request.SnapshotId is not null && !IsId(request.SnapshotId)))
        {
            return new(StartRunOutcome.Invalid, null, ["orgId and snapshotId must be ids: letters, digits, '-', '_', '.', ':'"]);
        }

        if (request.PolicyJson is not null && PolicyReader.Read(request.PolicyJson) is { IsSuccess: false } policy)
        {
            return new(StartRunOutcome.Invalid, null, [.. policy.Problems.Select(p => p.ToString())]);
        }

        var snapshot = request.SnapshotId is null
            ? await stores.Snapshots.GetLatestAsync(orgId, cancellationToken).ConfigureAwait(false)
            : await stores.Snapshots.GetMetadataAsync(orgId, request.SnapshotId, cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            return new(StartRunOutcome.SnapshotNotFound, null, [request.SnapshotId is null ? $"org '{orgId}' has no snapshot" : $"snapshot '{request.SnapshotId}' not found"]);
        }

        var runRequest = new RunRequest(snapshot.SnapshotId, request.PolicyJson, request.Approvers ?? []);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var runId = "run-" + Guid.NewGuid().ToString("N");
            var claim = await stores.Runs.ClaimActiveRunAsync(orgId, runId, cancellationToken).ConfigureAwait(false);
            if (claim.Claimed)
            {
                await CreateAsync(runId, orgId, runRequest, cancellationToken).ConfigureAwait(false);
                return new(StartRunOutcome.Created, runId, []);
            }

            var active = await stores.Runs.GetAsync(claim.ActiveRunId, cancellationToken).ConfigureAwait(false);
            if (active is null)
            {
                // The claimer died before creating its run (or is creating it right now): create-if-absent under its id.
                await CreateAsync(claim.ActiveRunId, orgId, runRequest, cancellationToken).ConfigureAwait(false);
                return new(StartRunOutcome.Existing, claim.ActiveRunId, []);
            }

            var state = RunDocuments.Read(active.Value);
            if (!state.IsFinished)
            {
                // Re-send what it waits for in case its starter died before sending it (a duplicate is a no-op).
                if (state.Status == RunStatus.Pending)
                {
                    await executor.ExecuteAsync(state, RebalanceOrchestration.Outstanding(state), cancellationToken).ConfigureAwait(false);
                }

                return new(StartRunOutcome.Existing, claim.ActiveRunId, []);
            }

            // A finished run whose worker died before releasing the org: release it and claim again.
            await stores.Runs.ReleaseActiveRunAsync(orgId, claim.ActiveRunId, cancellationToken).ConfigureAwait(false);
        }

        throw new ConcurrencyConflictException($"org '{orgId}' kept changing its active run");
    }

    /// <summary>Raises an external event (<see cref="InboxEvents.Approval"/>, <see cref="InboxEvents.Cancel"/>).</summary>
    public async Task<RaiseEventResult> RaiseEventAsync(string runId, string name, JsonElement payload, CancellationToken cancellationToken)
    {
        if (!IsId(runId))
        {
            return new(RaiseEventOutcome.UnknownRun);
        }

        string eventId;
        JsonElement stored;
        switch (name)
        {
            case InboxEvents.Approval:
                ApprovalEventPayload? approval;
                try
                {
                    approval = payload.Deserialize<ApprovalEventPayload>(StorageJson.Options);
                }
                catch (JsonException e)
                {
                    return new(RaiseEventOutcome.Invalid, e.Message);
                }

                if (approval is not { ApproverId.Length: > 0, EventId: { } id } || !IsId(id) || ParseDecision(approval.Decision) is not { } decision)
                {
                    return new(RaiseEventOutcome.Invalid, "an approval needs approverId, decision (approve|reject) and eventId (an id)");
                }

                eventId = id;
                stored = JsonSerializer.SerializeToElement(new ApprovalDecision(approval.ApproverId, decision, approval.Scope ?? ApprovalScope.All, approval.Elevated ?? false), StorageJson.Options);
                break;
            case InboxEvents.Cancel:
                eventId = payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("eventId", out var e2) && e2.GetString() is { } cancelId && IsId(cancelId) ? cancelId : "cancel";
                stored = payload.ValueKind == JsonValueKind.Undefined ? JsonSerializer.SerializeToElement(new { }) : payload;
                break;
            default:
                return new(RaiseEventOutcome.Invalid, $"unknown event '{name}': use '{InboxEvents.Approval}' or '{InboxEvents.Cancel}'");
        }

        var run = await GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return new(RaiseEventOutcome.UnknownRun);
        }

        if (run.IsFinished || (name == InboxEvents.Cancel && !run.IsCancellable))
        {
            return new(RaiseEventOutcome.RunFinished);
        }

        var added = await stores.Runs.AddInboxEventAsync(new InboxEvent(runId, eventId, name, stored, time.GetUtcNow(), null), cancellationToken).ConfigureAwait(false);
        await executor.EnqueueAsync(WorkItem.Inbox(runId), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        return new(added ? RaiseEventOutcome.Accepted : RaiseEventOutcome.Duplicate);
    }

    /// <summary>Asks the run to stop (anything before applying).</summary>
    public Task<RaiseEventResult> CancelAsync(string runId, CancellationToken cancellationToken) =>
        RaiseEventAsync(runId, InboxEvents.Cancel, default, cancellationToken);

    /// <summary>The run's state; null for an unknown run.</summary>
    public async Task<RunState?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        if (!IsId(runId))
        {
            return null;
        }

        var current = await stores.Runs.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        return current is null ? null : RunDocuments.Read(current.Value);
    }

    /// <summary>The run's moves with their status (empty before the plan is proposed); null for an unknown run.</summary>
    public async Task<IReadOnlyList<RunMoveView>?> ListMovesAsync(string runId, CancellationToken cancellationToken)
    {
        var run = await GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return null;
        }

        var plan = await activities.GetPlanAsync(runId, cancellationToken).ConfigureAwait(false);
        var status = run.Moves.ToDictionary(m => m.MoveId, m => m.Status, StringComparer.Ordinal);
        return plan is null ? [] : [.. plan.Moves.Select(m => new RunMoveView(m, status.GetValueOrDefault(m.MoveId, MoveStatus.Proposed)))];
    }

    private async Task CreateAsync(string runId, string orgId, RunRequest request, CancellationToken ct)
    {
        var start = RebalanceOrchestration.Start(new RunStarted(time.GetUtcNow(), runId, orgId, request));
        var created = await stores.Runs.CreateAsync(RunDocuments.Create(start), ct).ConfigureAwait(false);
        var state = RunDocuments.Read(created.Stored.Value);
        await executor.ExecuteAsync(state, RebalanceOrchestration.Outstanding(state), ct).ConfigureAwait(false);
    }

    private static DecisionKind? ParseDecision(string? decision) => decision?.ToLowerInvariant() switch
    {
        "approve" => DecisionKind.Approve,
        "reject" => DecisionKind.Reject,
        _ => null,
    };

    private static bool IsId(string? value)
    {
        try
        {
            StorageIds.Check(value, nameof(value));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
