using System.Globalization;
using System.Text;
using Rebalancing.Engine.Plans;

using Rebalancing.Functions.Rebalances;
using Rebalancing.Functions.Reports;
using static Rebalancing.Functions.Reports.HtmlPage;

namespace Rebalancing.Functions.Approval;

/// <summary>The approval page: the plan summary, the approver's scope, the moves (paged) and the decision form.</summary>
internal static class ApprovalPage
{
    public const int PageSize = 50;

    public static string Body(string token, string formField, ApprovalClaims claims, RunView run, StoredPlan? plan, IReadOnlyList<RunMove> moves, int page, int pages)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(moves);
        var html = new StringBuilder();
        var action = "/approve/" + Uri.EscapeDataString(token);
        html.Append(CultureInfo.InvariantCulture, $"<h1>Approve the rebalance of {E(run.OrgId)}</h1>")
            .Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Run <code>{E(run.RunId)}</code> · status <b>{E(run.Status.ToString())}</b> · link expires {E(claims.ExpiresAt.ToString("u", CultureInfo.InvariantCulture))}</p>")
            .Append("<div class=\"card\"><b>Your scope.</b> You are <b>").Append(E(claims.ApproverId)).Append("</b>, a ")
            .Append(claims.Elevated
                ? "<b>elevated</b> approver: you may approve every move, including those at elevated level."
                : "<b>standard</b> approver: your approval covers standard-level moves; moves marked elevated need an elevated approver.")
            .Append("</div>");
        if (plan is null)
        {
            html.Append("<div class=\"card\">The plan is still being computed. A decision you record now is kept and applied when the plan is proposed.</div>");
        }
        else
        {
            var s = plan.Summary;
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"kpis\"><div class=\"card kpi\"><span class=\"muted\">Moves</span><b>{N(s.Moves)}</b></div><div class=\"card kpi\"><span class=\"muted\">Units</span><b>{N(s.Units)}</b></div><div class=\"card kpi\"><span class=\"muted\">Net benefit</span><b>{Money(s.GpUpliftCents - s.FreightCostCents)}</b></div><div class=\"card kpi\"><span class=\"muted\">Elevated moves</span><b>{N(s.ElevatedMoves)}</b></div></div>")
                .Append(CultureInfo.InvariantCulture, $"<p><a href=\"{action}/report\">Open the full report (charts, sortable table)</a></p>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"{action}\" class=\"card\"><input type=\"hidden\" name=\"{ApprovalForm.AntiForgeryField}\" value=\"{E(formField)}\">")
            .Append("<fieldset><legend>Decision</legend><label><input type=\"radio\" name=\"decision\" value=\"approve\" checked> Approve</label><label><input type=\"radio\" name=\"decision\" value=\"reject\"> Reject</label></fieldset>")
            .Append("<fieldset><legend>Limit to (optional: nothing ticked means the whole plan)</legend><div>Clusters: ");
        foreach (var cluster in run.Clusters.Select(c => c.Cluster))
        {
            html.Append(CultureInfo.InvariantCulture, $"<label><input type=\"checkbox\" name=\"cluster\" value=\"{E(cluster)}\"> {E(cluster)}</label>");
        }

        html.Append("</div><div>Passes: ");
        foreach (var pass in new[] { 1, 2, 3 })
        {
            html.Append(CultureInfo.InvariantCulture, $"<label><input type=\"checkbox\" name=\"pass\" value=\"{pass}\"> pass {pass}</label>");
        }

        html.Append("</div><div><label>Move ids (comma-separated): <input type=\"text\" name=\"moveIds\" size=\"50\"></label></div></fieldset>")
            .Append("<div><label>Comment: <input type=\"text\" name=\"comment\" size=\"60\" maxlength=\"500\"></label></div>")
            .Append("<p><button class=\"primary\" type=\"submit\">Record my decision</button></p></form>");

        html.Append(CultureInfo.InvariantCulture, $"<h2>Moves (page {page} of {pages})</h2>")
            .Append(ReportPage.MovesTable(moves))
            .Append("<p class=\"pager\">");
        if (page > 1)
        {
            html.Append(CultureInfo.InvariantCulture, $"<a href=\"{action}?page={page - 1}\">previous</a>");
        }

        if (page < pages)
        {
            html.Append(CultureInfo.InvariantCulture, $"<a href=\"{action}?page={page + 1}\">next</a>");
        }

        return html.Append("</p>").ToString();
    }

    public static string Recorded(LinkUse use, RunView run)
    {
        ArgumentNullException.ThrowIfNull(use);
        ArgumentNullException.ThrowIfNull(run);
        return new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"<h1 class=\"ok\">Decision recorded</h1><div class=\"card\" id=\"recorded\"><p><b>{E(use.ApproverId)}</b> recorded <b>{E(use.Decision)}</b> for {E(use.Scope)} of run <code>{E(run.RunId)}</code> ({E(run.OrgId)}) at {E(use.UsedAt.ToString("u", CultureInfo.InvariantCulture))}.</p>")
            .Append(use.Comment is { Length: > 0 } c ? $"<p>Comment: {E(c)}</p>" : "")
            .Append("<p class=\"muted\">This link is now used up. ")
            .Append(use.Decision == "approve"
                ? "The moves you approved are applied when every move is decided, or when the approval window closes."
                : "The moves you rejected will not be applied.")
            .Append("</p></div>")
            .ToString();
    }

    public static string Level(ApprovalLevel level) => level == ApprovalLevel.Elevated ? "elevated" : "standard";
}
