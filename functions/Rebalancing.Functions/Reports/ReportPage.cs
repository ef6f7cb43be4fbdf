using System.Globalization;
using System.Text;
using Rebalancing.Engine.Plans;

using Rebalancing.Functions.Rebalances;
using static Rebalancing.Functions.Reports.HtmlPage;

namespace Rebalancing.Functions.Reports;

/// <summary>Before/after KPIs of a plan, when the run recorded them.</summary>
internal sealed record ReportKpis(PlanKpis Before, PlanKpis After, double? OptimalityRatio);

/// <summary>
/// The report of a run: summary, before/after KPIs, SVG charts (moves per pass and cluster, units by route, fragments
/// before and after, the optimality ratio when recorded) and a moves table sortable by a small inline script.
/// </summary>
internal static class ReportPage
{
    private const string SortScript = """
        document.querySelectorAll('table.sortable').forEach(function (table) {
          table.querySelectorAll('th').forEach(function (th, col) {
            th.classList.add('sort');
            th.addEventListener('click', function () {
              var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
              var asc = th.getAttribute('data-dir') !== 'asc', num = th.classList.contains('num');
              table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('data-dir'); h.removeAttribute('aria-sort'); });
              th.setAttribute('data-dir', asc ? 'asc' : 'desc'); th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
              rows.sort(function (a, b) {
                var x = a.cells[col].getAttribute('data-v') || a.cells[col].textContent, y = b.cells[col].getAttribute('data-v') || b.cells[col].textContent;
                var c = num ? (parseFloat(x) - parseFloat(y)) : x.localeCompare(y);
                return asc ? c : -c;
              });
              rows.forEach(function (r) { body.appendChild(r); });
            });
          });
        });
        """;

    /// <summary>
    /// The report. Its charts draw the plan's stored aggregates; its table shows one page of moves (a plan of any size
    /// is read a page at a time from Blob storage), with links to the other pages.
    /// </summary>
    public static string Body(string nonce, RunView run, StoredPlan? plan, IReadOnlyList<RunMove> moves, int page, Func<int, string> pageUrl)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(moves);
        ArgumentNullException.ThrowIfNull(pageUrl);
        var kpis = plan is { KpisBefore: { } kb, KpisAfter: { } ka } ? new ReportKpis(kb, ka, plan.OptimalityRatio) : null;
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h1>Rebalance report · {E(run.OrgId)}</h1>")
            .Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Run <code>{E(run.RunId)}</code> · status <b>{E(run.Status.ToString())}</b> · snapshot <code>{E(run.Input.SnapshotId)}</code> · created {E(run.CreatedAt.ToString("u", CultureInfo.InvariantCulture))}</p>");
        if (plan is null)
        {
            return html.Append("<div class=\"card\">The plan has not been proposed yet.</div>").ToString();
        }

        var s = plan.Summary;
        html.Append("<h2>Summary</h2><div class=\"kpis\">")
            .Append(Kpi("Moves", N(s.Moves)))
            .Append(Kpi("Units", N(s.Units)))
            .Append(Kpi("GP uplift", Money(s.GpUpliftCents)))
            .Append(Kpi("Freight", Money(s.FreightCostCents)))
            .Append(Kpi("Net benefit", Money(s.GpUpliftCents - s.FreightCostCents)))
            .Append(Kpi("Elevated moves", N(s.ElevatedMoves)))
            .Append("</div>")
            .Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Determinism hash <code>{E(plan.DeterminismHash)}</code> · engine {E(plan.EngineVersion)}</p>");

        html.Append("<h2>Before and after</h2>");
        if (kpis is null)
        {
            html.Append("<div class=\"card muted\">This run did not record before/after KPIs.</div>");
        }
        else
        {
            html.Append("<table><thead><tr><th>KPI</th><th class=\"num\">Before</th><th class=\"num\">After</th></tr></thead><tbody>")
                .Append(Row("Fragments", kpis.Before.Fragments, kpis.After.Fragments))
                .Append(Row("Viable size runs", kpis.Before.ViableSizeRuns, kpis.After.ViableSizeRuns))
                .Append(Row("Stock-outs with demand", kpis.Before.StockoutsWithDemand, kpis.After.StockoutsWithDemand))
                .Append(CultureInfo.InvariantCulture, $"<tr><td>Units at risk of markdown</td><td class=\"num\">{N(kpis.Before.UnitsAtRiskOfMarkdown, "#,##0.0")}</td><td class=\"num\">{N(kpis.After.UnitsAtRiskOfMarkdown, "#,##0.0")}</td></tr>")
                .Append("</tbody></table>");
        }

        var totals = plan.Aggregates;
        var passes = totals.Passes.Select(p => p.Pass).ToList();
        var passNames = passes.Select(p => "pass " + p.ToString(CultureInfo.InvariantCulture)).ToList();
        var perCluster = totals.DestinationClusters.GroupBy(c => c.Cluster, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ChartBar(g.Key, [.. passes.Select(p => (double)g.Where(c => c.Pass == p).Sum(c => c.Moves))])).ToList();
        var perPass = totals.Passes.Select(p => new ChartBar("pass " + p.Pass.ToString(CultureInfo.InvariantCulture), [p.Moves])).ToList();
        var routes = totals.Routes.GroupBy(r => (r.FromCluster.Length > 0 ? r.FromCluster : "warehouse") + " → " + r.ToCluster, StringComparer.Ordinal)
            .Select(g => new ChartBar(g.Key, [g.Sum(r => (double)r.Units)]))
            .OrderByDescending(b => b.Total).ThenBy(b => b.Label, StringComparer.Ordinal).Take(15).ToList();
        html.Append("<h2>Charts</h2><div class=\"charts\">")
            .Append("<div class=\"card\">").Append(SvgCharts.Bars("Moves per pass", perPass, ["moves"])).Append("</div>")
            .Append("<div class=\"card\">").Append(SvgCharts.Bars("Moves per destination cluster, by pass", perCluster, passNames)).Append("</div>")
            .Append("<div class=\"card\">").Append(SvgCharts.Bars("Units by route (cluster to cluster, top 15)", routes, ["units"])).Append("</div>");
        if (kpis is not null)
        {
            html.Append("<div class=\"card\">").Append(SvgCharts.Bars("Fragments before and after", [new("before", [kpis.Before.Fragments]), new("after", [kpis.After.Fragments])], ["fragments"])).Append("</div>");
            if (kpis.OptimalityRatio is { } ratio)
            {
                html.Append("<div class=\"card\">").Append(SvgCharts.Bars("Optimality ratio (plan / bound)", [new("ratio", [ratio])], ["ratio"])).Append("</div>");
            }
        }

        var pages = Math.Max(1, plan.Pages);
        html.Append("</div><h2>Moves</h2>")
            .Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Page {page} of {pages} ({N(s.Moves)} moves, {RunFiles.PageSize} a page). Click a column to sort this page.</p>")
            .Append(Pager(page, pages, pageUrl))
            .Append(MovesTable(moves))
            .Append(Pager(page, pages, pageUrl))
            .Append(CultureInfo.InvariantCulture, $"<script nonce=\"{nonce}\">{SortScript}</script>");
        return html.ToString();
    }

    /// <summary>The moves table (also used by the approval page, one page at a time).</summary>
    public static string MovesTable(IEnumerable<RunMove> moves)
    {
        ArgumentNullException.ThrowIfNull(moves);
        var html = new StringBuilder("<table class=\"sortable\"><thead><tr><th>Move</th><th class=\"num\">Pass</th><th>From</th><th>To</th><th>From cluster</th><th>To cluster</th><th>SKU</th><th>Size</th><th class=\"num\">Qty</th><th class=\"num\">Net benefit</th><th>Reason</th><th>Level</th><th>Status</th></tr></thead><tbody>");
        foreach (var view in moves)
        {
            var m = view.Move;
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(m.MoveId)}</td><td class=\"num\">{m.Pass}</td><td>{E(m.FromNode)}</td><td>{E(m.ToNode)}</td><td>{E(m.FromCluster)}</td><td>{E(m.ToCluster)}</td><td>{E(m.Sku)}</td><td>{E(m.Size)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"num\">{m.Quantity}</td><td class=\"num\" data-v=\"{m.GpUpliftCents - m.FreightCostCents}\">{Money(m.GpUpliftCents - m.FreightCostCents)}</td><td>{E(m.Reason)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{(m.ApprovalLevel == ApprovalLevel.Elevated ? "<b class=\"warn\">elevated</b>" : "standard")}</td><td>{E(view.Status.ToString().ToLowerInvariant())}</td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }

    /// <summary>Previous and next links, when there is more than one page.</summary>
    public static string Pager(int page, int pages, Func<int, string> pageUrl)
    {
        ArgumentNullException.ThrowIfNull(pageUrl);
        if (pages <= 1)
        {
            return "";
        }

        var html = new StringBuilder("<p class=\"pager\">");
        if (page > 1)
        {
            html.Append(CultureInfo.InvariantCulture, $"<a href=\"{E(pageUrl(page - 1))}\">&larr; page {page - 1}</a> ");
        }

        if (page < pages)
        {
            html.Append(CultureInfo.InvariantCulture, $"<a href=\"{E(pageUrl(page + 1))}\">page {page + 1} &rarr;</a>");
        }

        return html.Append("</p>").ToString();
    }

    private static string Kpi(string label, string value) => $"<div class=\"card kpi\"><span class=\"muted\">{E(label)}</span><b>{E(value)}</b></div>";

    private static string Row(string label, int before, int after) =>
        string.Create(CultureInfo.InvariantCulture, $"<tr><td>{E(label)}</td><td class=\"num\">{N(before)}</td><td class=\"num\">{N(after)}</td></tr>");
}
