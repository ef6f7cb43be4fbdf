using System.Globalization;
using System.Text;
using System.Text.Json;

using Rebalancing.Functions.Rebalances;

namespace Rebalancing.Functions.Notifications;

/// <summary>An approver's link, to put on a card or in an email.</summary>
internal sealed record ApproverLink(Approver Approver, Uri Url, DateTimeOffset ExpiresAt);

/// <summary>
/// The Microsoft Teams message for a proposed plan: an Adaptive Card with the summary and the report link. It is
/// posted to a channel, which everyone in it can read, so it carries no approver's link: a link decides as its
/// approver (an elevated one decides elevated moves), and reaches that approver alone, by email.
/// </summary>
internal static class TeamsCard
{
    public static string Message(RunRecord run, PlanSummary summary, Uri reportUrl)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(summary);
        var card = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = new object[]
            {
                new { type = "TextBlock", size = "Medium", weight = "Bolder", text = $"Rebalance proposed for {run.OrgId}", wrap = true },
                new
                {
                    type = "FactSet",
                    facts = new object[]
                    {
                        new { title = "Run", value = run.RunId },
                        new { title = "Moves", value = summary.Moves.ToString("N0", CultureInfo.InvariantCulture) },
                        new { title = "Units", value = summary.Units.ToString("N0", CultureInfo.InvariantCulture) },
                        new { title = "Net benefit", value = ((summary.GpUpliftCents - summary.FreightCostCents) / 100m).ToString("N2", CultureInfo.InvariantCulture) },
                        new { title = "Elevated moves", value = summary.ElevatedMoves.ToString(CultureInfo.InvariantCulture) },
                    },
                },
                new { type = "TextBlock", text = "Each approver has been sent a personal link to review and decide.", wrap = true, isSubtle = true },
            },
            ["actions"] = new object[] { new { type = "Action.OpenUrl", title = "Report", url = reportUrl.AbsoluteUri } },
        };
        var message = new
        {
            type = "message",
            attachments = new[] { new { contentType = "application/vnd.microsoft.card.adaptive", contentUrl = (string?)null, content = card } },
        };
        return JsonSerializer.Serialize(message);
    }

    public static string EmailText(RunRecord run, PlanSummary summary, ApproverLink link)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(link);
        return new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"A rebalance of {run.OrgId} is waiting for your decision.\r\n\r\n")
            .Append(CultureInfo.InvariantCulture, $"Run: {run.RunId}\r\nMoves: {summary.Moves:N0}\r\nUnits: {summary.Units:N0}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Net benefit: {(summary.GpUpliftCents - summary.FreightCostCents) / 100m:N2}\r\nElevated moves: {summary.ElevatedMoves}\r\n\r\n")
            .Append(CultureInfo.InvariantCulture, $"Review and decide ({(link.Approver.Elevated ? "elevated" : "standard")} approver):\r\n{link.Url.AbsoluteUri}\r\n\r\n")
            .Append(CultureInfo.InvariantCulture, $"Opening the link changes nothing; the decision is recorded only from the page's form. The link is yours alone, works once, and expires {link.ExpiresAt:u}.\r\n")
            .ToString();
    }
}
