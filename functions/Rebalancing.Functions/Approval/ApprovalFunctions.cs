using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Rebalances;
using Rebalancing.Functions.Reports;

namespace Rebalancing.Functions.Approval;

/// <summary>
/// Approval: the API that issues and lists links (function key), and the pages a link opens (anonymous: the signed
/// token in the path is the credential). GET only shows; the decision is a POST of the page's own form, which raises
/// the orchestration's <c>approval</c> event once.
/// </summary>
internal sealed class ApprovalFunctions(RebalanceRuns runs, ApprovalTokens tokens, ApprovalLinks links, PublicUrls urls, TimeProvider time)
{
    [Function(nameof(ListRebalanceApprovals))]
    public async Task<IActionResult> ListRebalanceApprovals(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/rebalances/{runId}/approvals")] HttpRequest request,
        string runId,
        CancellationToken cancellationToken)
    {
        if (await runs.GetRecordAsync(runId, cancellationToken).ConfigureAwait(false) is null)
        {
            return Problems.NotFound($"No run '{runId}'.").ToAction();
        }

        return TypedResults.Ok(new ApprovalsBody(await links.ListAsync(runId, cancellationToken).ConfigureAwait(false))).ToAction();
    }

    [Function(nameof(IssueRebalanceApproval))]
    public async Task<IActionResult> IssueRebalanceApproval(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/rebalances/{runId}/approvals")] HttpRequest request,
        string runId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var (body, problem) = await RequestBodies.ReadJsonAsync<IssueBody>(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem.ToAction();
        }

        if (!Ids.IsValid(body?.ApproverId))
        {
            return Problems.BadRequest("approverId is required.", new[] { new PathError("approverId", "required: an id") }).ToAction();
        }

        var run = await runs.GetAsync(client, runId, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return Problems.NotFound($"No run '{runId}'.").ToAction();
        }

        if (run.IsFinished)
        {
            return Problems.Gone($"Run '{runId}' finished as {run.Status}.").ToAction();
        }

        var (url, expiresAt) = await links.IssueAsync(runId, body!.ApproverId!, body.Email, body.Elevated ?? false, urls.Base(request), cancellationToken).ConfigureAwait(false);
        return TypedResults.Created(url, new LinkIssued(url, expiresAt)).ToAction();
    }

    /// <summary>The plan and the decision form; changes nothing (link scanners that prefetch URLs decide nothing).</summary>
    [Function(nameof(ShowApproval))]
    public async Task<IActionResult> ShowApproval(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "approve/{token}")] HttpRequest request,
        string token,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var context = request.HttpContext;
        var (claims, run, failure) = await OpenAsync(token, context, client, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure.ToAction();
        }

        if (await links.GetUseAsync(run!.RunId, claims!.Nonce, cancellationToken).ConfigureAwait(false) is not null)
        {
            return HtmlPage.Message(context, StatusCodes.Status410Gone, "Link already used", "A decision was already recorded with this link.").ToAction();
        }

        var plan = await runs.GetPlanAsync(run.RunId, cancellationToken).ConfigureAwait(false);
        var pages = Math.Max(1, ((plan?.Summary.Moves ?? 0) + ApprovalPage.PageSize - 1) / ApprovalPage.PageSize);
        var page = int.TryParse(request.Query["page"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? Math.Clamp(p, 1, pages) : 1;
        var moves = (await runs.ListMovesAsync(run.RunId, (page - 1) * ApprovalPage.PageSize, ApprovalPage.PageSize, cancellationToken).ConfigureAwait(false))?.Moves ?? [];
        return HtmlPage.Render(context, StatusCodes.Status200OK, "Approve the rebalance of " + run.OrgId,
            _ => ApprovalPage.Body(token, tokens.FormField(claims), claims, run, plan, moves, page, pages)).ToAction();
    }

    /// <summary>Records the decision posted from the page's form: once per link, and only a decision that decides something.</summary>
    [Function(nameof(RecordApproval))]
    public async Task<IActionResult> RecordApproval(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "approve/{token}")] HttpRequest request,
        string token,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var context = request.HttpContext;
        // A used link answers 409 even once its run has finished (the used check comes first, below).
        var (claims, run, failure) = await OpenAsync(token, context, client, cancellationToken, allowFinished: true).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure.ToAction();
        }

        if (!request.HasFormContentType)
        {
            return HtmlPage.Message(context, StatusCodes.Status400BadRequest, "Bad form", "Post the approval form (application/x-www-form-urlencoded).").ToAction();
        }

        // Read within the limit first (a chunked body declares no length), then parse.
        var body = await RequestBodies.ReadAsync(request, RequestBodies.MaxJsonBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return HtmlPage.Message(context, StatusCodes.Status413PayloadTooLarge, "Form too large", "The approval form is a few fields; this body is over 1 MB.").ToAction();
        }

        using var bodyStream = new MemoryStream(body, writable: false);
        using var reader = new FormReader(bodyStream);
        var posted = new FormCollection(await reader.ReadFormAsync(cancellationToken).ConfigureAwait(false));
        if (!tokens.IsFormField(claims!, posted[ApprovalForm.AntiForgeryField].ToString()))
        {
            return HtmlPage.Message(context, StatusCodes.Status403Forbidden, "Form not accepted", "Open the link and use the form on its page to record a decision.").ToAction();
        }

        var (form, problem) = ApprovalForm.Parse(posted);
        if (form is null)
        {
            return HtmlPage.Message(context, StatusCodes.Status400BadRequest, "Bad form", problem!).ToAction();
        }

        if (await links.GetUseAsync(run!.RunId, claims!.Nonce, cancellationToken).ConfigureAwait(false) is { } used)
        {
            await RaiseRecordedAsync(client, run.RunId, used, cancellationToken).ConfigureAwait(false);
            return AlreadyUsed(context);
        }

        if (run.IsFinished)
        {
            return RunFinished(context, run).ToAction();
        }

        var decision = new ApprovalDecision("approval-" + claims.Nonce, claims.ApproverId, form.Decision, form.Scope, claims.Elevated);
        var check = await runs.CheckApprovalAsync(client, run.RunId, decision, cancellationToken).ConfigureAwait(false);
        switch (check.Outcome)
        {
            case RaiseEventOutcome.Duplicate:
                return AlreadyUsed(context);
            case RaiseEventOutcome.RunFinished:
                return HtmlPage.Message(context, StatusCodes.Status410Gone, "Run finished", "This run has finished; decisions are no longer taken.").ToAction();
            case RaiseEventOutcome.UnknownRun:
                return HtmlPage.Message(context, StatusCodes.Status404NotFound, "Unknown link", "This approval link is not valid.").ToAction();
            case RaiseEventOutcome.Invalid:
                // Nothing was raised and the link stays unused: the approver can go back and choose another scope.
                return HtmlPage.Message(context, StatusCodes.Status400BadRequest, "Nothing to decide", check.Problem ?? "The decision was not accepted.").ToAction();
        }

        // The link is claimed before the decision is raised: of two posts at once, only the one that claims it
        // raises, so the page that says "recorded" shows the decision the run takes.
        var use = new LinkUse(claims.Nonce, claims.ApproverId, form.Decision == DecisionKind.Approve ? "approve" : "reject", form.DescribeScope(), form.Comment, time.GetUtcNow(), decision);
        if (!await links.RecordUseAsync(run.RunId, use, cancellationToken).ConfigureAwait(false))
        {
            return AlreadyUsed(context);
        }

        await RebalanceRuns.RaiseCheckedApprovalAsync(client, run.RunId, decision, cancellationToken).ConfigureAwait(false);
        return HtmlPage.Render(context, StatusCodes.Status200OK, "Decision recorded", _ => ApprovalPage.Recorded(use, run)).ToAction();
    }

    /// <summary>The run's report, for the holder of an approval link (approvers have no API key).</summary>
    [Function(nameof(ShowApprovalReport))]
    public async Task<IActionResult> ShowApprovalReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "approve/{token}/report")] HttpRequest request,
        string token,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (_, run, failure) = await OpenAsync(token, request.HttpContext, client, cancellationToken).ConfigureAwait(false);
        return (failure ?? await ReportFunctions.RenderAsync(request, run!, runs, cancellationToken).ConfigureAwait(false)).ToAction();
    }

    /// <summary>
    /// Raises the decision of a used link again while the run still waits for it: a post that claimed the link and
    /// failed before raising is completed by the next post (the orchestrator ignores an event id it has recorded).
    /// </summary>
    private async Task RaiseRecordedAsync(DurableTaskClient client, string runId, LinkUse used, CancellationToken cancellationToken)
    {
        if (used.Event is { } recorded
            && (await runs.CheckApprovalAsync(client, runId, recorded, cancellationToken).ConfigureAwait(false)).Outcome == RaiseEventOutcome.Accepted)
        {
            await RebalanceRuns.RaiseCheckedApprovalAsync(client, runId, recorded, cancellationToken).ConfigureAwait(false);
        }
    }

    private static IActionResult AlreadyUsed(HttpContext context) =>
        HtmlPage.Message(context, StatusCodes.Status409Conflict, "Already recorded", "A decision was already recorded with this link; it can be used once.").ToAction();

    private async Task<(ApprovalClaims? Claims, RunView? Run, IResult? Failure)> OpenAsync(
        string token, HttpContext context, DurableTaskClient client, CancellationToken cancellationToken, bool allowFinished = false)
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

        var run = await runs.GetAsync(client, claims.RunId, cancellationToken).ConfigureAwait(false);
        if (run is null || !await links.WasIssuedAsync(claims, cancellationToken).ConfigureAwait(false))
        {
            return (null, null, HtmlPage.Message(context, StatusCodes.Status404NotFound, "Unknown link", "This approval link is not valid."));
        }

        return run.IsFinished && !allowFinished ? (null, null, RunFinished(context, run)) : (claims, run, null);
    }

    private static ContentHttpResult RunFinished(HttpContext context, RunView run) =>
        HtmlPage.Message(context, StatusCodes.Status410Gone, "Run finished", $"This run finished as {run.Status}; decisions are no longer taken.");

    internal sealed record IssueBody(string? ApproverId, string? Email, bool? Elevated);

    internal sealed record LinkIssued(Uri Url, DateTimeOffset ExpiresAt);

    internal sealed record ApprovalsBody(IReadOnlyList<ApprovalLinkView> Approvals);
}
