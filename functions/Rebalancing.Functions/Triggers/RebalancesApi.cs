using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Rebalancing.Engine.Plans;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Approval;
using Rebalancing.Functions.Orchestration;

namespace Rebalancing.Functions.Triggers;

/// <summary>The run routes of http-api.md (each an Azure Functions <c>HttpTrigger</c>, <c>AuthorizationLevel.Function</c>).</summary>
internal static class RebalancesApi
{
    public static RouteGroupBuilder MapRebalancesApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapPost("/orgs/{orgId}/rebalances", StartAsync)
            .WithName("StartRebalance").WithSummary("Starts a run for the org (or answers 409 with its active run).").WithTags("rebalances");
        var runs = api.MapGroup("/rebalances/{runId}").WithTags("rebalances");
        runs.MapGet("/", GetAsync).WithName("GetRebalance").WithSummary("The run's status, summary and clusters.");
        runs.MapGet("/moves", ListMovesAsync).WithName("ListRebalanceMoves").WithSummary("The plan's moves with their status; filters pass, cluster, status.");
        runs.MapGet("/approvals", ListApprovalsAsync).WithName("ListRebalanceApprovals").WithSummary("The approval links issued, with their use.");
        runs.MapPost("/approvals", IssueApprovalAsync).WithName("IssueRebalanceApproval").WithSummary("Issues (or re-issues) an approval link.");
        runs.MapPost("/events/{name}", RaiseEventAsync).WithName("RaiseRebalanceEvent").WithSummary("Raises an external event (approval, cancel); kept until the run waits for it.");
        runs.MapPost("/cancel", CancelAsync).WithName("CancelRebalance").WithSummary("Asks the run to stop before applying.");
        return api;
    }

    internal static async Task<Results<Accepted<RunAccepted>, Conflict<RunAccepted>, ProblemHttpResult>> StartAsync(
        string orgId, HttpRequest request, IRebalanceRuns runs, CancellationToken cancellationToken)
    {
        var (body, problem) = await ReadAsync<StartBody>(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        string? policy = body?.Policy switch
        {
            null => null,
            { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
            { ValueKind: JsonValueKind.String } p => p.GetString(),
            { } p => p.GetRawText(),
        };
        var approvers = body?.Approvers?.Select(a => new Approver(a.Id ?? "", a.Email, a.Elevated ?? false)).ToList();
        if (approvers?.FirstOrDefault(a => a.Id.Length == 0) is not null)
        {
            return Problems.BadRequest("Every approver needs an id.", new[] { new PathError("approvers[].id", "required") });
        }

        var result = await runs.StartAsync(orgId, new StartRunRequest(body?.SnapshotId, policy, approvers), cancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            StartRunOutcome.Created => TypedResults.Accepted(StatusUri(result.RunId!), new RunAccepted(result.RunId!, StatusUri(result.RunId!))),
            StartRunOutcome.Existing => TypedResults.Conflict(new RunAccepted(result.RunId!, StatusUri(result.RunId!))),
            StartRunOutcome.SnapshotNotFound => Problems.NotFound(string.Join("; ", result.Problems)),
            _ => Problems.BadRequest("The request is invalid.", result.Problems.Select(p => new PathError("policy", p)).ToList()),
        };
    }

    internal static async Task<Results<Ok<RunView>, ProblemHttpResult>> GetAsync(string runId, IRebalanceRuns runs, CancellationToken cancellationToken)
    {
        var run = await runs.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        return run is null ? Problems.NotFound($"No run '{runId}'.") : TypedResults.Ok(RunView.From(run));
    }

    internal static async Task<Results<Ok<MovesView>, ProblemHttpResult>> ListMovesAsync(
        string runId, int? pass, string? cluster, string? status, IRebalanceRuns runs, CancellationToken cancellationToken)
    {
        MoveStatus? wanted = null;
        if (status is not null)
        {
            if (!Enum.TryParse<MoveStatus>(status, ignoreCase: true, out var parsed) || int.TryParse(status, out _))
            {
                return Problems.BadRequest("status must be proposed, approved, rejected or applied.", new[] { new PathError("status", "unknown status") });
            }

            wanted = parsed;
        }

        var moves = await runs.ListMovesAsync(runId, cancellationToken).ConfigureAwait(false);
        if (moves is null)
        {
            return Problems.NotFound($"No run '{runId}'.");
        }

        var filtered = moves.Where(m => (pass is null || m.Move.Pass == pass)
                && (cluster is null || m.Move.FromCluster == cluster || m.Move.ToCluster == cluster)
                && (wanted is null || m.Status == wanted))
            .Select(MoveView.From)
            .ToList();
        return TypedResults.Ok(new MovesView(filtered));
    }

    internal static async Task<Results<Ok<ApprovalsView>, ProblemHttpResult>> ListApprovalsAsync(
        string runId, HttpRequest request, IRebalanceRuns runs, ApprovalLinks links, PublicUrls urls, CancellationToken cancellationToken)
    {
        if (await runs.GetAsync(runId, cancellationToken).ConfigureAwait(false) is null)
        {
            return Problems.NotFound($"No run '{runId}'.");
        }

        return TypedResults.Ok(new ApprovalsView(await links.ListAsync(runId, urls.Base(request), cancellationToken).ConfigureAwait(false)));
    }

    internal static async Task<Results<Created<LinkIssued>, ProblemHttpResult>> IssueApprovalAsync(
        string runId, HttpRequest request, IRebalanceRuns runs, ApprovalLinks links, PublicUrls urls, CancellationToken cancellationToken)
    {
        var (body, problem) = await ReadAsync<IssueBody>(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (body?.ApproverId is not { Length: > 0 and <= 200 } approverId)
        {
            return Problems.BadRequest("approverId is required.", new[] { new PathError("approverId", "required") });
        }

        var run = await runs.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return Problems.NotFound($"No run '{runId}'.");
        }

        if (run.IsFinished)
        {
            return Problems.Gone($"Run '{runId}' finished as {run.Status}.");
        }

        var (url, expiresAt) = await links.IssueAsync(runId, approverId, body.Email, body.Elevated ?? false, urls.Base(request), cancellationToken).ConfigureAwait(false);
        return TypedResults.Created(url, new LinkIssued(url, expiresAt));
    }

    internal static async Task<Results<Accepted, ProblemHttpResult>> RaiseEventAsync(
        string runId, string name, HttpRequest request, IRebalanceRuns runs, CancellationToken cancellationToken)
    {
        var (payload, problem) = await ReadAsync<JsonElement>(request, cancellationToken).ConfigureAwait(false);
        return problem ?? Answer(await runs.RaiseEventAsync(runId, name, payload, cancellationToken).ConfigureAwait(false), runId);
    }

    internal static async Task<Results<Accepted, ProblemHttpResult>> CancelAsync(string runId, IRebalanceRuns runs, CancellationToken cancellationToken) =>
        Answer(await runs.CancelAsync(runId, cancellationToken).ConfigureAwait(false), runId);

    private static Results<Accepted, ProblemHttpResult> Answer(RaiseEventResult result, string runId) => result.Outcome switch
    {
        RaiseEventOutcome.Accepted or RaiseEventOutcome.Duplicate => TypedResults.Accepted(StatusUri(runId)),
        RaiseEventOutcome.UnknownRun => Problems.NotFound($"No run '{runId}'."),
        RaiseEventOutcome.RunFinished => Problems.Gone($"Run '{runId}' has finished."),
        _ => Problems.BadRequest(result.Problem ?? "The event is invalid."),
    };

    private static string StatusUri(string runId) => "/api/rebalances/" + Uri.EscapeDataString(runId);

    /// <summary>Reads an optional JSON body (empty: default).</summary>
    private static async Task<(T? Body, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            return (default, null);
        }

        try
        {
            return (JsonSerializer.Deserialize<T>(text, Storage.StorageJson.Options), null);
        }
        catch (JsonException e)
        {
            return (default, Problems.BadRequest("The body is not valid JSON for this route.", new[] { new PathError(e.Path ?? "$", e.Message) }));
        }
    }

    internal sealed record StartBody(string? SnapshotId, JsonElement? Policy, IReadOnlyList<ApproverBody>? Approvers);

    internal sealed record ApproverBody(string? Id, string? Email, bool? Elevated);

    internal sealed record IssueBody(string? ApproverId, string? Email, bool? Elevated);

    internal sealed record RunAccepted(string RunId, string StatusUri);

    internal sealed record LinkIssued(Uri Url, DateTimeOffset ExpiresAt);

    internal sealed record ApprovalsView(IReadOnlyList<ApprovalLinkView> Approvals);

    internal sealed record MovesView(IReadOnlyList<MoveView> Moves);

    internal sealed record ClusterView(string Cluster, string Status);

    internal sealed record RunView(
        string RunId, string OrgId, string Status, string SnapshotId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
        string? DeterminismHash, PlanSummary? Summary, IReadOnlyList<ClusterView> Clusters, RunError? Error, AppliedSummary? Applied)
    {
        public static RunView From(RunState run) => new(
            run.RunId, run.OrgId, run.Status.ToString(), run.Request.SnapshotId, run.CreatedAt, run.UpdatedAt, run.DeterminismHash, run.Summary,
            [.. run.Clusters.Select(c => new ClusterView(c,
                run.IsDone(RunStep.StoreTransfersWithin, c) ? "done"
                : run.Error?.Cluster == c ? "failed"
                : "pending"))],
            run.Error, run.Applied);
    }

    internal sealed record MoveView(
        string MoveId, int Pass, string FromNode, string ToNode, string Sku, string Style, string Size, int Quantity, string FromCluster, string ToCluster,
        long GpUpliftCents, long FreightCostCents, long NetBenefitCents, string Reason, string ApprovalLevel, string Status)
    {
        public static MoveView From(RunMoveView view)
        {
            var m = view.Move;
            return new(m.MoveId, m.Pass, m.FromNode, m.ToNode, m.Sku, m.Style, m.Size, m.Quantity, m.FromCluster, m.ToCluster,
                m.GpUpliftCents, m.FreightCostCents, m.GpUpliftCents - m.FreightCostCents, m.Reason, m.ApprovalLevel == Engine.Plans.ApprovalLevel.Elevated ? "elevated" : "standard",
                view.Status.ToString().ToLowerInvariant());
        }
    }
}
