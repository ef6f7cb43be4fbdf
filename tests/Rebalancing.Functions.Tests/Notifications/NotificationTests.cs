using System.Globalization;
using System.Net;
using System.Text.Json;
using Rebalancing.Functions.Notifications;
using Rebalancing.Functions.Rebalances;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Tests.Support;
using Rebalancing.LocalHost;
using static Rebalancing.Functions.Tests.Api.RebalancesApiTests;

namespace Rebalancing.Functions.Tests.Notifications;

/// <summary>
/// The notification queue's function (<c>Notify</c>), driven by the local host's queue driver: the Teams card (summary
/// and report, no approver's link), one email per approver with their own link, CloudEvents to the webhooks, retries.
/// </summary>
public sealed class NotificationTests : IDisposable
{
    private readonly LoopbackHttpServer teams = new();
    private readonly LoopbackHttpServer hooks = new();
    private readonly LoopbackSmtpServer smtp = new();

    [Fact]
    public async Task PlanProposed_PostsATeamsCardWithTheSummaryAndTheReportLink_AndNoApproverLinks()
    {
        using var app = App();
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", "ann@example.com", true), new Approver("sam", null, false));

        await DrainUntilAsync(app, () => !teams.Received.IsEmpty);

        var post = Assert.Single(teams.Received);
        var message = JsonDocument.Parse(post.Text).RootElement;
        Assert.Equal("message", message.GetProperty("type").GetString());
        var attachment = message.GetProperty("attachments")[0];
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        var card = attachment.GetProperty("content");
        Assert.Equal("AdaptiveCard", card.GetProperty("type").GetString());
        var body = card.GetProperty("body").GetRawText();
        Assert.Contains(runId, body, StringComparison.Ordinal);
        var moves = (await app.Get<RebalanceRuns>().GetRecordAsync(runId, CancellationToken.None))!.Summary!.Moves;
        Assert.Contains($"\"Moves\",\"value\":\"{moves.ToString("N0", CultureInfo.InvariantCulture)}\"", body, StringComparison.Ordinal);
        var action = Assert.Single(card.GetProperty("actions").EnumerateArray());
        Assert.Equal("Action.OpenUrl", action.GetProperty("type").GetString());
        Assert.Equal($"http://localhost/api/rebalances/{runId}/report", action.GetProperty("url").GetString());
        Assert.DoesNotContain("/approve/", post.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanProposed_EmailsEachApproverWithAnAddressTheirOwnLink_WhichOpensThePage()
    {
        using var app = App();
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", "ann@example.com", true), new Approver("sam", null, false));

        await DrainUntilAsync(app, () => !smtp.Received.IsEmpty);

        var mail = Assert.Single(smtp.Received);
        Assert.Equal("<ann@example.com>", Assert.Single(mail.To));
        var text = Unfold(mail.Data);
        Assert.Contains("Subject: Rebalance of acme", text, StringComparison.Ordinal);
        var start = text.IndexOf("http://localhost/approve/v1.", StringComparison.Ordinal);
        Assert.True(start >= 0, "the email carries no approval link");
        var link = new Uri(text[start..].Split('\r', '\n', ' ')[0]);
        using var browser = app.Anonymous();
        using var page = await browser.GetAsync(Relative(link.PathAndQuery));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<b>ann</b>, a <b>elevated</b>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var approvals = (await Json.ReadAsync(await ApiAsync(app, $"/api/rebalances/{runId}/approvals"))).GetProperty("approvals").EnumerateArray().Select(a => a.GetProperty("approverId").GetString());
        Assert.Equal(["ann", "sam"], approvals);
    }

    [Fact]
    public async Task PlanProposed_OnTheEmbeddedDefaultWithoutSmtp_WritesTheEmailAsAnEmlFileInTheOutbox()
    {
        using var app = new FunctionApp();
        await app.ProposedRunAsync("acme", new Approver("ann", "ann@example.com", true));
        var outbox = Path.Combine(app.DataDir, EmailSender.OutboxFolder);

        await DrainUntilAsync(app, () => Directory.Exists(outbox) && Directory.GetFiles(outbox, "*.eml").Length > 0);

        var eml = Assert.Single(Directory.GetFiles(outbox, "*.eml"));
        var text = Unfold(await File.ReadAllTextAsync(eml));
        Assert.Contains("To: ann@example.com", text, StringComparison.Ordinal);
        Assert.Contains("/approve/v1.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotifyApprovers_WithATeamsWebhookThatFailsTwice_RetriesUntilDelivered()
    {
        var calls = 0;
        teams.Respond = _ => (Interlocked.Increment(ref calls) <= 2 ? 500 : 200, []);
        using var app = App();
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));

        await NotifyApproversAsync(app, runId);

        Assert.Equal(3, teams.Received.Count);
        Assert.Contains(app.Logs.Lines, l => l.Contains("Notification Teams card of run " + runId + ": delivered True", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NotifyApprovers_WithATeamsWebhookThatAlwaysFails_GivesUpAfterMaxAttempts_AndStillEmailsAndTheRunWaits()
    {
        teams.Respond = _ => (503, []);
        using var app = App();
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", "ann@example.com", true));

        var issued = await NotifyApproversAsync(app, runId);

        Assert.Single(issued);
        Assert.Equal(3, teams.Received.Count);
        Assert.Single(smtp.Received);
        Assert.Contains(app.Logs.Lines, l => l.Contains("Gave up delivering the Teams card", StringComparison.Ordinal));
        Assert.Equal(RunStatus.AwaitingApproval, (await app.Get<RebalanceRuns>().GetAsync(app.Durable, runId, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Events_ArePostedToTheEventWebhooksAsCloudEvents()
    {
        using var app = App();
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));

        await DrainUntilAsync(app, () => hooks.Received.Any(r => r.Text.Contains("plan-proposed", StringComparison.Ordinal)));

        Assert.All(hooks.Received, r => Assert.StartsWith(CloudEventsWebhook.ContentType, r.ContentType, StringComparison.Ordinal));
        var events = hooks.Received.Select(r => JsonDocument.Parse(r.Text).RootElement).ToList();
        Assert.All(events, e => Assert.Equal("1.0", e.GetProperty("specversion").GetString()));
        var proposed = Assert.Single(events, e => e.GetProperty("type").GetString() == "com.rebalancing." + RunEventTypes.PlanProposed);
        Assert.Equal($"/rebalancing/runs/{runId}", proposed.GetProperty("source").GetString());
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "com.rebalancing.snapshot.ingested");
    }

    [Fact]
    public async Task Events_AlsoGoToTheRebalancingEventsQueue()
    {
        using var app = App();
        await app.ProposedRunAsync("acme", new Approver("ann", null, true));

        var queue = app.Get<IWorkQueueFactory>().Get(QueueNames.Events);
        var types = new List<string>();
        while (await queue.ReceiveAsync(TimeSpan.FromHours(1), CancellationToken.None) is { } message)
        {
            types.Add(JsonDocument.Parse(message.Text).RootElement.GetProperty("type").GetString()!);
        }

        Assert.Contains(RunEventTypes.PlanProposed, types);
        Assert.Contains("snapshot.ingested", types);
    }

    public void Dispose()
    {
        teams.Dispose();
        hooks.Dispose();
        smtp.Dispose();
    }

    private FunctionApp App() => new(new()
    {
        ["Rebalancing:Notifications:TeamsWebhookUrl"] = teams.Url("teams").AbsoluteUri,
        ["Rebalancing:Notifications:EventWebhooks:0"] = hooks.Url("events").AbsoluteUri,
        ["Rebalancing:Notifications:SmtpHost"] = "127.0.0.1",
        ["Rebalancing:Notifications:SmtpPort"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
        ["Rebalancing:Notifications:MaxAttempts"] = "3",
        ["Rebalancing:Notifications:RetryDelay"] = "00:00:00.010",
    });

    private static async Task<HttpResponseMessage> ApiAsync(FunctionApp app, string path)
    {
        using var client = app.Client();
        return await client.GetAsync(Relative(path));
    }

    /// <summary>Calls the function class's method directly, as its queue trigger does on plan-proposed.</summary>
    private static Task<IReadOnlyList<ApproverLink>> NotifyApproversAsync(FunctionApp app, string runId) =>
        Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<NotificationFunctions>(app.Services).NotifyApproversAsync(runId, CancellationToken.None);

    /// <summary>Runs the notification queue's function, message by message, until <paramref name="done"/> (up to a minute).</summary>
    internal static async Task DrainUntilAsync(FunctionApp app, Func<bool> done)
    {
        var notify = app.Get<FunctionCatalog>().Functions.Single(f => f.Name == nameof(NotificationFunctions.Notify));
        var queues = app.Get<QueueTriggers>();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "the notification was not delivered within a minute");
            if (!await queues.HandleOneAsync(notify, CancellationToken.None))
            {
                await Task.Delay(100);
            }
        }

        // And whatever else is queued, so every assertion sees the whole delivery.
        while (await queues.HandleOneAsync(notify, CancellationToken.None))
        {
        }
    }

    /// <summary>Undoes quoted-printable soft line breaks, '=0D=0A' and '=3D'.</summary>
    private static string Unfold(string mime) => mime
        .Replace("=\r\n", "", StringComparison.Ordinal)
        .Replace("=0D=0A", "\r\n", StringComparison.Ordinal)
        .Replace("=3D", "=", StringComparison.Ordinal);
}
