using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Rebalancing.Engine.Plans;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Rebalances;

/// <summary>
/// The run's starters and readers: HTTP start, status, moves, events and cancel (function key), and the scheduled
/// start (NCRONTAB from <c>Rebalancing:Schedule</c>). Each parses and validates, calls <see cref="RebalanceRuns"/>,
/// and answers.
/// </summary>
internal sealed partial class RebalanceFunctions(RebalanceRuns runs, StorageServices stores, IOptions<RebalancingOptions> options, ILogger<RebalanceFunctions> logger)
{
    [Function(nameof(StartRebalance))]
    public async Task<IActionResult> StartRebalance(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/orgs/{orgId}/rebalances")] HttpRequest request,
        string orgId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (body, problem) = await RequestBodies.ReadJsonAsync<StartBody>(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem.ToAction();
        }

        string? policy = body?.Policy switch
        {
            null => null,
            { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
            { ValueKind: JsonValueKind.String } p => p.GetString(),
            { } p => p.GetRawText(),
        };
        var approvers = body?.Approvers?.Select(a => new Approver(a.Id ?? "", a.Email, a.Elevated ?? false)).ToList();
        var result = await runs.StartAsync(client, orgId, new StartRunRequest(body?.SnapshotId, policy, approvers), cancellationToken).ConfigureAwait(false);
        return (result.Outcome switch
        {
            StartRunOutcome.Created => TypedResults.Accepted(StatusUri(result.RunId!), new RunAccepted(result.RunId!, StatusUri(result.RunId!))),
            StartRunOutcome.Existing => TypedResults.Conflict(new RunAccepted(result.RunId!, StatusUri(result.RunId!))),
            StartRunOutcome.SnapshotNotFound => Problems.Create(StatusCodes.Status404NotFound, "Not Found", result.Problems[0].Message, result.Problems),
            _ => (IResult)Problems.BadRequest("The request is invalid.", result.Problems),
        }).ToAction();
    }

    [Function(nameof(GetRebalance))]
    public async Task<IActionResult> GetRebalance(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/rebalances/{runId}")] HttpRequest request,
        string runId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var run = await runs.GetAsync(client, runId, cancellationToken).ConfigureAwait(false);
        return (run is null ? Problems.NotFound($"No run '{runId}'.") : (IResult)TypedResults.Ok(RunBody.From(run))).ToAction();
    }

    [Function(nameof(ListRebalanceMoves))]
    public async Task<IActionResult> ListRebalanceMoves(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/rebalances/{runId}/moves")] HttpRequest request,
        string runId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (filter, pageSize, token, problems) = ReadMovesQuery(request.Query);
        if (problems.Count > 0)
        {
            return Problems.BadRequest("The query is invalid.", problems).ToAction();
        }

        MovesPage? page;
        try
        {
            page = await runs.ListMovesAsync(runId, filter, pageSize, token, cancellationToken).ConfigureAwait(false);
        }
        catch (ContinuationTokenException e)
        {
            return Problems.BadRequest($"continuationToken: {e.Reason}.", new[] { new PathError("continuationToken", e.Reason) }).ToAction();
        }

        return (page is null
            ? Problems.NotFound($"No run '{runId}'.")
            : (IResult)TypedResults.Ok(new MovesBody([.. page.Moves.Select(MoveBody.From)], page.ContinuationToken))).ToAction();
    }

    [Function(nameof(RaiseRebalanceEvent))]
    public async Task<IActionResult> RaiseRebalanceEvent(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/rebalances/{runId}/events/{name}")] HttpRequest request,
        string runId,
        string name,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        switch (name)
        {
            case RebalanceOrchestrator.ApprovalEvent:
                var (body, problem) = await RequestBodies.ReadJsonAsync<ApprovalBody>(request, cancellationToken).ConfigureAwait(false);
                if (problem is not null)
                {
                    return problem.ToAction();
                }

                var (decision, errors) = ApprovalBody.Parse(body);
                if (decision is null)
                {
                    return Problems.BadRequest("The approval is invalid.", errors).ToAction();
                }

                return Answer(await runs.RaiseApprovalAsync(client, runId, decision, cancellationToken).ConfigureAwait(false), runId);
            case RebalanceOrchestrator.CancelEvent:
                return Answer(await runs.CancelAsync(client, runId, cancellationToken).ConfigureAwait(false), runId);
            default:
                return Problems.BadRequest($"Unknown event '{name}': use '{RebalanceOrchestrator.ApprovalEvent}' or '{RebalanceOrchestrator.CancelEvent}'.",
                    new[] { new PathError("name", "unknown event") }).ToAction();
        }
    }

    [Function(nameof(CancelRebalance))]
    public async Task<IActionResult> CancelRebalance(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/rebalances/{runId}/cancel")] HttpRequest request,
        string runId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        Answer(await runs.CancelAsync(client, runId, cancellationToken).ConfigureAwait(false), runId);

    /// <summary>
    /// Starts a run for every org with a snapshot, at each occurrence of <c>Rebalancing:Schedule</c>. An org with an
    /// active run is skipped. A past-due occurrence (the app was down) runs once, late.
    /// </summary>
    [Function(nameof(ScheduledRebalance))]
    public async Task ScheduledRebalance(
        [TimerTrigger("%Rebalancing:Schedule%", RunOnStartup = false)] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (!options.Value.ScheduleEnabled)
        {
            return;
        }

        LogFiring(logger, timer.IsPastDue);
        var approvers = options.Value.Approvers.Select(a => new Approver(a.Id, a.Email, a.Elevated)).ToList();
        foreach (var orgId in await stores.Snapshots.ListOrgsAsync(cancellationToken).ConfigureAwait(false))
        {
            var result = await runs.StartAsync(client, orgId, new StartRunRequest(Approvers: approvers), cancellationToken).ConfigureAwait(false);
            LogScheduled(logger, orgId, result.Outcome, result.RunId);
        }
    }

    private static IActionResult Answer(RaiseEventResult result, string runId) => (result.Outcome switch
    {
        RaiseEventOutcome.Accepted => TypedResults.Accepted(StatusUri(runId)),
        RaiseEventOutcome.Duplicate => TypedResults.Accepted(StatusUri(runId)),
        RaiseEventOutcome.UnknownRun => Problems.NotFound($"No run '{runId}'."),
        RaiseEventOutcome.RunFinished => Problems.Gone($"Run '{runId}' has finished (or is applying); it takes no more events."),
        _ => (IResult)Problems.BadRequest(result.Problem ?? "The event is invalid.", new[] { new PathError(result.Path ?? "body", result.Problem ?? "invalid") }),
    }).ToAction();

    private static (MoveFilter Filter, int? PageSize, string? Token, List<PathError> Problems) ReadMovesQuery(IQueryCollection query)
    {
        var problems = new List<PathError>();
        int? pass = null;
        if (query["pass"].ToString() is { Length: > 0 } p)
        {
            if (int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 3)
            {
                pass = n;
            }
            else
            {
                problems.Add(new PathError("pass", "must be 1, 2 or 3"));
            }
        }

        MoveStatus? status = null;
        if (query["status"].ToString() is { Length: > 0 } s)
        {
            if (Enum.TryParse<MoveStatus>(s, ignoreCase: true, out var parsed) && !int.TryParse(s, out _))
            {
                status = parsed;
            }
            else
            {
                problems.Add(new PathError("status", "must be proposed, approved, rejected or applied"));
            }
        }

        int? pageSize = null;
        if (query["pageSize"].ToString() is { Length: > 0 } size)
        {
            if (int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= RebalanceRuns.MaxPageSize)
            {
                pageSize = n;
            }
            else
            {
                problems.Add(new PathError("pageSize", $"must be 1 to {RebalanceRuns.MaxPageSize}"));
            }
        }

        var cluster = query["cluster"].ToString() is { Length: > 0 } c ? c : null;
        var token = query["continuationToken"].ToString() is { Length: > 0 } t ? t : null;
        return (new MoveFilter(pass, cluster, status), pageSize, token, problems);
    }

    internal static string StatusUri(string runId) => "/api/rebalances/" + Uri.EscapeDataString(runId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled rebalance fired (past due: {PastDue})")]
    private static partial void LogFiring(ILogger logger, bool pastDue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled rebalance of org {OrgId}: {Outcome} {RunId}")]
    private static partial void LogScheduled(ILogger logger, string orgId, StartRunOutcome outcome, string? runId);

    internal sealed record StartBody(string? SnapshotId, JsonElement? Policy, IReadOnlyList<ApproverBody>? Approvers);

    internal sealed record ApproverBody(string? Id, string? Email, bool? Elevated);

    internal sealed record RunAccepted(string RunId, string StatusUri);

    /// <summary>An approval event's body: <c>{approverId, decision, scope?, eventId, elevated?}</c>.</summary>
    internal sealed record ApprovalBody(string? ApproverId, string? Decision, ApprovalScope? Scope, string? EventId, bool? Elevated)
    {
        public static (ApprovalDecision? Decision, List<PathError> Errors) Parse(ApprovalBody? body)
        {
            var errors = new List<PathError>();
            if (!Ids.IsValid(body?.ApproverId))
            {
                errors.Add(new PathError("approverId", "required: an id"));
            }

            if (!Ids.IsValid(body?.EventId))
            {
                errors.Add(new PathError("eventId", "required: an id, the same for a retry of the same decision"));
            }

            DecisionKind? kind = body?.Decision?.ToLowerInvariant() switch
            {
                "approve" => DecisionKind.Approve,
                "reject" => DecisionKind.Reject,
                _ => null,
            };
            if (kind is null)
            {
                errors.Add(new PathError("decision", "must be approve or reject"));
            }

            return errors.Count > 0
                ? (null, errors)
                : (new ApprovalDecision(body!.EventId!, body.ApproverId!, kind!.Value, body.Scope ?? ApprovalScope.All, body.Elevated ?? false), errors);
        }
    }

    internal sealed record ClusterBody(string Cluster, string Status);

    internal sealed record SummaryBody(int Moves, long Units, decimal GpUplift, decimal FreightCost, decimal NetBenefit, int ElevatedMoves)
    {
        public static SummaryBody? From(PlanSummary? s) =>
            s is null ? null : new(s.Moves, s.Units, s.GpUpliftCents / 100m, s.FreightCostCents / 100m, (s.GpUpliftCents - s.FreightCostCents) / 100m, s.ElevatedMoves);
    }

    internal sealed record RunBody(
        string RunId, string OrgId, string Status, string SnapshotId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
        string? DeterminismHash, SummaryBody? Summary, IReadOnlyList<ClusterBody> Clusters, RunError? Error, AppliedSummary? Applied,
        DateTimeOffset? ApprovalDueAt)
    {
        public static RunBody From(RunView run) => new(
            run.RunId, run.OrgId, run.Status.ToString(), run.Input.SnapshotId, run.CreatedAt, run.UpdatedAt, run.DeterminismHash,
            SummaryBody.From(run.Summary), [.. run.Clusters.Select(c => new ClusterBody(c.Cluster, c.Status))], run.Error, run.Applied,
            run.Record.ApprovalDueAt);
    }

    internal sealed record MovesBody(IReadOnlyList<MoveBody> Moves, string? ContinuationToken);

    /// <summary>A move with the plan-output columns (camelCase) and its status.</summary>
    internal sealed record MoveBody(
        string MoveId, int Pass, string FromNode, string ToNode, string Sku, string Style, string Size, int Quantity, string FromCluster, string ToCluster,
        decimal GpUplift, decimal FreightCost, decimal NetBenefit, string Reason, string ApprovalLevel, string Status)
    {
        public static MoveBody From(RunMove view)
        {
            ArgumentNullException.ThrowIfNull(view);
            var m = view.Move;
            return new(m.MoveId, m.Pass, m.FromNode, m.ToNode, m.Sku, m.Style, m.Size, m.Quantity, m.FromCluster, m.ToCluster,
                m.GpUpliftCents / 100m, m.FreightCostCents / 100m, (m.GpUpliftCents - m.FreightCostCents) / 100m, m.Reason,
                m.ApprovalLevel == Engine.Plans.ApprovalLevel.Elevated ? "elevated" : "standard", view.Status.ToString().ToLowerInvariant());
        }
    }
}
