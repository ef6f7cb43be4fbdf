using System.Globalization;
using System.Text.Json;
using Rebalancing.Functions.Rebalances;

namespace Rebalancing.Functions.Approval;

/// <summary>The posted approval form, parsed: the decision and an optional scope (checkboxes, or a <c>scope</c> field).</summary>
internal sealed record ApprovalForm(DecisionKind Decision, ApprovalScope Scope, string? Comment)
{
    public const string AntiForgeryField = "__af";

    /// <summary>Parses the form; null with a reason when it is malformed.</summary>
    public static (ApprovalForm? Form, string? Problem) Parse(IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(form);
        DecisionKind? decision = form["decision"].ToString() switch
        {
            "approve" => DecisionKind.Approve,
            "reject" => DecisionKind.Reject,
            _ => null,
        };
        if (decision is null)
        {
            return (null, "decision must be 'approve' or 'reject'");
        }

        var passes = new List<int>();
        foreach (var pass in form["pass"])
        {
            if (!int.TryParse(pass, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 3)
            {
                return (null, $"pass '{pass}' is not 1, 2 or 3");
            }

            passes.Add(p);
        }

        var clusters = form["cluster"].Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c!).ToList();
        var moveIds = form["moveIds"].ToString().Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).ToList();
        var comment = form["comment"].ToString();
        if (comment.Length > 500)
        {
            return (null, "comment is longer than 500 characters");
        }

        var scope = new ApprovalScope(clusters.Count > 0 ? clusters : null, passes.Count > 0 ? passes : null, moveIds.Count > 0 ? moveIds : null);
        var (given, problem) = ParseScopeField(form["scope"].ToString());
        if (problem is not null)
        {
            return (null, problem);
        }

        if (given is not null && scope != ApprovalScope.All)
        {
            return (null, "give the scope once: in the scope field, or in the cluster, pass and moveIds fields");
        }

        return (new ApprovalForm(decision.Value, given ?? scope, comment.Length > 0 ? comment : null), null);
    }

    /// <summary>
    /// The optional <c>scope</c> field, for clients that post the form themselves: empty or <c>all</c> is the whole
    /// plan (null here), else the events API's scope as JSON, <c>{"clusters": [...], "passes": [...], "moveIds": [...]}</c>.
    /// </summary>
    private static (ApprovalScope? Scope, string? Problem) ParseScopeField(string text)
    {
        text = text.Trim();
        if (text.Length == 0 || text.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return (null, null);
        }

        const string Expected = "scope must be 'all' or a JSON object {\"clusters\": [...], \"passes\": [...], \"moveIds\": [...]}";
        ApprovalScope? scope;
        try
        {
            scope = JsonSerializer.Deserialize<ApprovalScope>(text, JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return (null, Expected);
        }

        if (scope is null)
        {
            return (null, Expected);
        }

        if (scope.Passes?.Any(p => p is < 1 or > 3) == true)
        {
            return (null, "scope.passes must be 1, 2 or 3");
        }

        // An empty list names nothing: it is left out, as an unchecked box is.
        return (new ApprovalScope(
            scope.Clusters is { Count: > 0 } c ? c : null,
            scope.Passes is { Count: > 0 } p ? p : null,
            scope.MoveIds is { Count: > 0 } m ? m : null), null);
    }

    public string DescribeScope()
    {
        var parts = new List<string>();
        if (Scope.Clusters is { } c)
        {
            parts.Add("clusters " + string.Join(", ", c));
        }

        if (Scope.Passes is { } p)
        {
            parts.Add("passes " + string.Join(", ", p));
        }

        if (Scope.MoveIds is { } m)
        {
            parts.Add(m.Count.ToString(CultureInfo.InvariantCulture) + " move id(s): " + string.Join(", ", m.Take(20)) + (m.Count > 20 ? ", …" : ""));
        }

        return parts.Count == 0 ? "the whole plan" : string.Join("; ", parts);
    }
}
