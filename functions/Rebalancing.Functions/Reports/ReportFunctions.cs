using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Rebalances;

namespace Rebalancing.Functions.Reports;

/// <summary><c>GET /api/rebalances/{runId}/report[?page=N]</c>: the run's report as an HTML page.</summary>
internal sealed class ReportFunctions(RebalanceRuns runs)
{
    [Function(nameof(GetRebalanceReport))]
    public async Task<IActionResult> GetRebalanceReport(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/rebalances/{runId}/report")] HttpRequest request,
        string runId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var run = await runs.GetAsync(client, runId, cancellationToken).ConfigureAwait(false);
        return (run is null ? Problems.NotFound($"No run '{runId}'.") : await RenderAsync(request, run, runs, cancellationToken).ConfigureAwait(false)).ToAction();
    }

    /// <summary>The report of <paramref name="run"/>, page <c>?page=N</c> of its moves (also served to approval-link holders).</summary>
    internal static async Task<IResult> RenderAsync(HttpRequest request, RunView run, RebalanceRuns runs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var plan = await runs.GetPlanAsync(run.RunId, cancellationToken).ConfigureAwait(false);
        var pages = Math.Max(1, plan?.Pages ?? 1);
        var page = int.TryParse(request.Query["page"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? Math.Clamp(p, 1, pages) : 1;
        var moves = plan is null ? [] : (await runs.ListMovesAsync(run.RunId, (page - 1) * RunFiles.PageSize, RunFiles.PageSize, cancellationToken).ConfigureAwait(false))?.Moves ?? [];
        var code = request.Query["code"].ToString();
        string PageUrl(int n) => request.Path + "?page=" + n.ToString(CultureInfo.InvariantCulture) + (code.Length > 0 ? "&code=" + Uri.EscapeDataString(code) : "");
        return HtmlPage.Render(request.HttpContext, StatusCodes.Status200OK, "Rebalance report · " + run.OrgId, nonce => ReportPage.Body(nonce, run, plan, moves, page, PageUrl));
    }
}
