using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Approval;
using Rebalancing.Functions.Orchestration;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Triggers;

namespace Rebalancing.Functions.Notifications;

/// <summary>
/// <c>[QueueTrigger("rebalancing-notify")]</c>: delivers an event to the configured webhooks (CloudEvents), and for a
/// proposed plan issues each approver's link and sends the Teams card and the emails. Every delivery is retried and
/// then given up (logged); none of it can fail or delay the run.
/// </summary>
internal sealed partial class NotificationQueueTrigger(
    IRebalanceRuns runs,
    ApprovalLinks links,
    PublicUrls urls,
    CloudEventsWebhook webhooks,
    EmailSender email,
    Deliveries deliveries,
    IHttpClientFactory http,
    IOptions<RebalancingOptions> options,
    ILogger<NotificationQueueTrigger> logger) : IQueueTrigger
{
    public string QueueName => NotificationQueueSink.QueueName;

    public TimeSpan VisibilityTimeout => TimeSpan.FromMinutes(10);

    public async Task<bool> HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        NotifyMessage? notify;
        try
        {
            notify = JsonSerializer.Deserialize<NotifyMessage>(message.Text, StorageJson.Options);
        }
        catch (JsonException)
        {
            notify = null;
        }

        if (notify?.Event is null)
        {
            return true;
        }

        foreach (var hook in options.Value.Notifications.EventWebhooks)
        {
            await deliveries.TryAsync("event " + notify.Event.Type + " to a webhook", ct => webhooks.PostAsync(hook, notify.RunId, notify.Event, ct), cancellationToken).ConfigureAwait(false);
        }

        if (notify.Event.Type == RunEventTypes.PlanProposed)
        {
            await NotifyApproversAsync(notify.RunId, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Issues a link per approver of the run and sends the Teams card and the emails; returns the links.</summary>
    public async Task<IReadOnlyList<ApproverLink>> NotifyApproversAsync(string runId, CancellationToken cancellationToken)
    {
        var run = await runs.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null || run.IsFinished || run.Summary is null)
        {
            return [];
        }

        var baseUrl = urls.Base();
        var issued = new List<ApproverLink>();
        foreach (var approver in run.Request.Approvers)
        {
            var (url, expiresAt) = await links.IssueAsync(run.RunId, approver.Id, approver.Email, approver.Elevated, baseUrl, cancellationToken).ConfigureAwait(false);
            issued.Add(new ApproverLink(approver, url, expiresAt));
        }

        var n = options.Value.Notifications;
        if (n.TeamsWebhookUrl is { } teams)
        {
            var card = TeamsCard.Message(run, run.Summary, new Uri(baseUrl, "api/rebalances/" + run.RunId + "/report"), issued);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {What} of run {RunId}: delivered {Delivered}")]
    private static partial void LogDelivered(ILogger logger, string what, string runId, bool delivered);
}
