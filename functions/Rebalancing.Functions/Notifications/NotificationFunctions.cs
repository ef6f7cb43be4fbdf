using System.Text;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Approval;
using Rebalancing.Functions.Rebalances;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Notifications;

/// <summary>
/// The notification queue's trigger: posts every event to the configured webhooks as a CloudEvent, and on
/// plan-proposed issues each approver's link, sends it to that approver by email and posts the Teams card (summary
/// and report, no links) to the channel. Slow or failing deliveries are retried here, never in the run.
/// </summary>
internal sealed partial class NotificationFunctions(
    RebalanceRuns runs,
    ApprovalLinks links,
    PublicUrls urls,
    CloudEventsWebhook webhooks,
    EmailSender email,
    Deliveries deliveries,
    IHttpClientFactory http,
    IEventSink events,
    TimeProvider time,
    IOptions<RebalancingOptions> options,
    ILogger<NotificationFunctions> logger)
{
    [Function(nameof(Notify))]
    public async Task Notify([QueueTrigger(NotificationQueueSink.QueueName)] string message, CancellationToken cancellationToken)
    {
        var notify = Parse(message);
        if (notify?.Event is null)
        {
            return; // not a notification: nothing to deliver
        }

        foreach (var hook in options.Value.Notifications.EventWebhooks)
        {
            await deliveries.TryAsync("event " + notify.Event.Type + " to a webhook", ct => webhooks.PostAsync(hook, notify.RunId, notify.Event, ct), cancellationToken).ConfigureAwait(false);
        }

        if (notify.Event.Type == RunEventTypes.PlanProposed)
        {
            await NotifyApproversAsync(notify.RunId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A notification that failed every delivery: the failure is made visible as a
    /// <c>rebalance.notification-failed</c> event on the run (and an error in the log); the run itself goes on.
    /// </summary>
    [Function(nameof(NotifyPoisoned))]
    public async Task NotifyPoisoned([QueueTrigger(NotificationQueueSink.QueueName + "-poison")] string message, CancellationToken cancellationToken)
    {
        var notify = Parse(message);
        var runId = notify?.RunId ?? "";
        LogPoisoned(logger, runId, notify?.Event?.Type ?? "(unreadable)");
        await events.PublishAsync(runId, new OutboxEvent(
            (notify?.Event?.EventId ?? "unreadable") + ":notification-failed", "rebalance.notification-failed", time.GetUtcNow(),
            JsonSerializer.SerializeToElement(new { runId, eventType = notify?.Event?.Type, reason = "the notification failed after 5 attempts" }, StorageJson.Options)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Issues a link per approver and delivers it to that approver alone; returns the links issued.</summary>
    public async Task<IReadOnlyList<ApproverLink>> NotifyApproversAsync(string runId, CancellationToken cancellationToken)
    {
        var run = await runs.GetRecordAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null || run.IsFinished || run.Summary is null)
        {
            return [];
        }

        var baseUrl = urls.Base();
        var issued = new List<ApproverLink>();
        foreach (var approver in run.Input.Approvers)
        {
            var (url, expiresAt) = await links.IssueAsync(run.RunId, approver.Id, approver.Email, approver.Elevated, baseUrl, cancellationToken).ConfigureAwait(false);
            issued.Add(new ApproverLink(approver, url, expiresAt));
        }

        if (options.Value.Notifications.TeamsWebhookUrl is { } teams)
        {
            var card = TeamsCard.Message(run, run.Summary, new Uri(baseUrl, "api/rebalances/" + run.RunId + "/report"));
            var sent = await deliveries.TryAsync("the Teams card of " + run.RunId, async ct =>
            {
                using var client = http.CreateClient(CloudEventsWebhook.HttpClientName);
                using var content = new StringContent(card, Encoding.UTF8, "application/json");
                using var response = await client.PostAsync(teams, content, ct).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
            }, cancellationToken).ConfigureAwait(false);
            LogDelivered(logger, "Teams card", run.RunId, sent);
        }

        foreach (var link in issued.Where(l => l.Approver.Email is { Length: > 0 }))
        {
            var sent = await deliveries.TryAsync("an approval email of " + run.RunId, ct => email.SendAsync(
                link.Approver.Email!, $"Rebalance of {run.OrgId}: {run.Summary.Moves} moves await your decision", TeamsCard.EmailText(run, run.Summary, link), ct), cancellationToken).ConfigureAwait(false);
            LogDelivered(logger, "approval email to " + link.Approver.Id, run.RunId, sent);
        }

        return issued;
    }

    private static NotifyMessage? Parse(string message)
    {
        try
        {
            return JsonSerializer.Deserialize<NotifyMessage>(message, StorageJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {What} of run {RunId}: delivered {Delivered}")]
    private static partial void LogDelivered(ILogger logger, string what, string runId, bool delivered);

    [LoggerMessage(Level = LogLevel.Error, Message = "A notification of run {RunId} ({EventType}) failed for good")]
    private static partial void LogPoisoned(ILogger logger, string runId, string eventType);
}
