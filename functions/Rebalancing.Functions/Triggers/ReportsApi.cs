using Microsoft.AspNetCore.Http.HttpResults;
using Rebalancing.Functions.Activities;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Orchestration;
using Rebalancing.Functions.Reports;

namespace Rebalancing.Functions.Triggers;

/// <summary><c>GET /api/rebalances/{runId}/report</c>: the HTML report of a run.</summary>
internal static class ReportsApi
{
    public static RouteGroupBuilder MapReportsApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/rebalances/{runId}/report", GetAsync)
            .WithName("GetRunReport")
            .WithSummary("An HTML page: summary, before/after KPIs, charts and a sortable moves table.")
            .WithTags("rebalances")
            .Produces(StatusCodes.Status200OK, contentType: "text/html");
        return api;
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetAsync(string runId, HttpContext context, IRebalanceRuns runs, CancellationToken cancellationToken)
    {
        var run = await runs.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        return run is null
            ? Problems.NotFound($"No run '{runId}'.")
            : await RenderAsync(context, run, runs, cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<ContentHttpResult> RenderAsync(HttpContext context, RunState run, IRebalanceRuns runs, CancellationToken cancellationToken)
    {
        var plan = await runs.GetPlanAsync(run.RunId, cancellationToken).ConfigureAwait(false);
        var moves = await runs.ListMovesAsync(run.RunId, cancellationToken).ConfigureAwait(false) ?? [];
        return HtmlPage.Render(context, StatusCodes.Status200OK, "Rebalance report · " + run.OrgId, nonce => ReportPage.Body(nonce, run, plan, moves, ReportKpisOf(plan)));
    }

    private static ReportKpis? ReportKpisOf(StoredPlan? plan) =>
        plan is { KpisBefore: { } before, KpisAfter: { } after } ? new ReportKpis(before, after, plan.OptimalityRatio) : null;
}
