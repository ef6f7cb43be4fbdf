using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Approval;
using Rebalancing.Functions.Orchestration;
using Rebalancing.Functions.Reports;

namespace Rebalancing.Functions.Triggers;

/// <summary>
/// <c>GET|HEAD /approve/{token}</c> (shows, changes nothing), <c>POST /approve/{token}</c> (records the decision) and
/// <c>GET /approve/{token}/report</c>: anonymous HTTP triggers whose only credential is the signed token. Tokens are
/// never logged: the route value is not written by any logger of ours, and the host's request logging is filtered
/// (see <see cref="ApplicationServices"/>).
/// </summary>
internal static class ApprovalPages
{
    public static IEndpointRouteBuilder MapApprovalPages(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/approve").WithTags("approval").ExcludeFromDescription();
        group.MapMethods("/{token}", [HttpMethods.Get, HttpMethods.Head], ShowAsync)
            .WithName("ShowApproval")
            .WithSummary("The plan and the decision form of an approval link; changes nothing.");
        group.MapPost("/{token}", DecideAsync)
            .WithName("RecordApproval")
            .WithSummary("Records the decision posted from the approval form (single use).")
            .DisableAntiforgery();
        group.MapGet("/{token}/report", ReportAsync)
            .WithName("ShowApprovalReport")
            .WithSummary("The run's report, for the holder of an approval link.");
        return app;
    }

    internal static async Task<ContentHttpResult> ShowAsync(
        string token, int? page, HttpContext context, ApprovalTokens tokens, ApprovalLinks links, IRebalanceRuns runs, CancellationToken cancellationToken)
    {
        var (claims, run, failure) = await OpenAsync(token, context, tokens, links, runs, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        if (await links.GetUseAsync(run!.RunId, claims!.Nonce, cancellationToken).ConfigureAwait(false) is not null)
        {
            return HtmlPage.Message(context, StatusCodes.Status410Gone, "Link already used", "A decision was already recorded with this link.");
        }

        var plan = await runs.GetPlanAsync(run.RunId, cancellationToken).ConfigureAwait(false);
        var moves = await runs.ListMovesAsync(run.RunId, cancellationToken).ConfigureAwait(false) ?? [];
        return HtmlPage.Render(context, StatusCodes.Status200OK, "Approve the rebalance of " + run.OrgId,
            _ => ApprovalPage.Body(token, tokens.FormField(claims), claims, run, plan, moves, page ?? 1));
    }

    internal static async Task<ContentHttpResult> DecideAsync(
        string token, HttpContext context, ApprovalTokens tokens, ApprovalLinks links, IRebalanceRuns runs, TimeProvider time, CancellationToken cancellationToken)
    {
        var (claims, run, failure) = await OpenAsync(token, context, tokens, links, runs, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        if (!context.Request.HasFormContentType)
        {
            return HtmlPage.Message(context, StatusCodes.Status400BadRequest, "Bad form", "Post the approval form (application/x-www-form-urlencoded).");
        }

        var posted = await context.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        if (!tokens.IsFormField(claims!, posted[ApprovalForm.AntiForgeryField].ToString()))
        {
            return HtmlPage.Message(context, StatusCodes.Status403Forbidden, "Form not accepted", "Open the link and use the form on its page to record a decision.");
        }

        var (form, problem) = ApprovalForm.Parse(posted);
        if (form is null)
        {
            return HtmlPage.Message(context, StatusCodes.Status400BadRequest, "Bad form", problem!);
        }

        if (await links.GetUseAsync(run!.RunId, claims!.Nonce, cancellationToken).ConfigureAwait(false) is not null)
        {
            return HtmlPage.Message(context, StatusCodes.Status409Conflict, "Already recorded", "A decision was already recorded with this link; it can be used once.");
        }

        var decision = form.Decision == DecisionKind.Approve ? "approve" : "reject";
        var payload = JsonSerializer.SerializeToElement(
            new ApprovalEventPayload(claims.ApproverId, decision, form.Scope, "approval-" + claims.Nonce, claims.Elevated), Storage.StorageJson.Options);
        var raised = await runs.RaiseEventAsync(run.RunId, InboxEvents.Approval, payload, cancellationToken).ConfigureAwait(false);
        switch (raised.Outcome)
        {
            case RaiseEventOutcome.Duplicate:
                return HtmlPage.Message(context, StatusCodes.Status409Conflict, "Already recorded", "A decision was already recorded with this link; it can be used once.");
            case RaiseEventOutcome.RunFinished:
                return HtmlPage.Message(context, StatusCodes.Status410Gone, "Run finished", "This run has finished; decisions are no longer taken.");
            case RaiseEventOutcome.UnknownRun:
                return HtmlPage.Message(context, StatusCodes.Status404NotFound, "Unknown link", "This approval link is not valid.");
            case RaiseEventOutcome.Invalid:
                return HtmlPage.Message(context, StatusCodes.Status400BadRequest, "Bad form", raised.Problem ?? "The decision was not accepted.");
        }

        var use = new LinkUse(claims.Nonce, claims.ApproverId, decision, form.DescribeScope(), form.Comment, time.GetUtcNow());
        if (!await links.RecordUseAsync(run.RunId, use, cancellationToken).ConfigureAwait(false))
        {
            return HtmlPage.Message(context, StatusCodes.Status409Conflict, "Already recorded", "A decision was already recorded with this link; it can be used once.");
        }

        return HtmlPage.Render(context, StatusCodes.Status200OK, "Decision recorded", _ => ApprovalPage.Recorded(use, run));
    }

    internal static async Task<ContentHttpResult> ReportAsync(
        string token, HttpContext context, ApprovalTokens tokens, ApprovalLinks links, IRebalanceRuns runs, CancellationToken cancellationToken)
    {
        var (_, run, failure) = await OpenAsync(token, context, tokens, links, runs, cancellationToken).ConfigureAwait(false);
        return failure ?? await ReportsApi.RenderAsync(context, run!, runs, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks the token, that this run issued it, and that the run still takes decisions.</summary>
    private static async Task<(ApprovalClaims? Claims, RunState? Run, ContentHttpResult? Failure)> OpenAsync(
        string token, HttpContext context, ApprovalTokens tokens, ApprovalLinks links, IRebalanceRuns runs, CancellationToken cancellationToken)
    {
        var check = tokens.Read(token, out var claims);
        if (check == TokenCheck.Invalid || !Ids.IsValid(claims!.RunId))
        {
            return (null, null, HtmlPage.Message(context, StatusCodes.Status404NotFound, "Unknown link", "This approval link is not valid."));
        }

        if (check == TokenCheck.Expired)
        {
            return (null, null, HtmlPage.Message(context, StatusCodes.Status410Gone, "Link expired",
                "This approval link expired at " + claims.ExpiresAt.ToString("u", CultureInfo.InvariantCulture) + ". Ask for a new one."));
        }

        var run = await runs.GetAsync(claims.RunId, cancellationToken).ConfigureAwait(false);
        if (run is null || !await links.WasIssuedAsync(claims, cancellationToken).ConfigureAwait(false))
        {
            return (null, null, HtmlPage.Message(context, StatusCodes.Status404NotFound, "Unknown link", "This approval link is not valid."));
        }

        if (run.IsFinished)
        {
            return (null, null, HtmlPage.Message(context, StatusCodes.Status410Gone, "Run finished", $"This run finished as {run.Status}; decisions are no longer taken."));
        }

        return (claims, run, null);
    }
}
