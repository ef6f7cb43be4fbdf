using System.Net;
using System.Text.Json;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Notifications;
using Rebalancing.Functions.Orchestration;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Tests.Support;
using Rebalancing.Functions.Triggers;

namespace Rebalancing.Functions.Tests.Notifications;

public sealed class NotificationTests : IDisposable
{
    private readonly LoopbackHttpServer teams = new();
    private readonly LoopbackHttpServer hooks = new();
    private readonly LoopbackSmtpServer smtp = new();

    [Fact]
    public async Task APlanProposed_PostsATeamsAdaptiveCardWithAnOpenUrlPerApprover()
    {
        using var app = App();
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", "ann@example.com", true), new Approver("sam", null, false));

        await DrainNotificationsAsync(app);

        var post = Assert.Single(teams.Received);
        var message = JsonDocument.Parse(post.Text).RootElement;
        Assert.Equal("message", message.GetProperty("type").GetString());
        var attachment = message.GetProperty("attachments")[0];
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        var card = attachment.GetProperty("content");
        Assert.Equal("AdaptiveCard", card.GetProperty("type").GetString());
        Assert.Contains(runId, card.GetProperty("body").GetRawText(), StringComparison.Ordinal);
        var urls = card.GetProperty("actions").EnumerateArray()
            .Where(a => a.GetProperty("type").GetString() == "Action.OpenUrl" && a.GetProperty("title").GetString()!.StartsWith("Review as", StringComparison.Ordinal))
            .Select(a => new Uri(a.GetProperty("url").GetString()!))
            .ToList();
        Assert.Equal(2, urls.Count);
        using var browser = app.Anonymous();
        foreach (var url in urls)
        {
            using var page = await browser.GetAsync(new Uri(url.PathAndQuery, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
    }

    [Fact]
    public async Task APlanProposed_EmailsEachApproverWithAnEmailAddressTheirLink()
    {
        using var app = App();
        await app.ProposedRunAsync("acme", new Approver("ann", "ann@example.com", true), new Approver("sam", null, false));

        await DrainNotificationsAsync(app);

        var mail = Assert.Single(smtp.Received);
        Assert.Equal("<ann@example.com>", Assert.Single(mail.To));
        Assert.Contains("Subject: Rebalance of acme", mail.Data, StringComparison.Ordinal);
        Assert.Contains("http://localhost/approve/v1.", Unfold(mail.Data), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnTheEmbeddedDefaultWithoutSmtp_EmailsAreEmlFilesInTheOutbox()
    {
        using var app = new FunctionApp();
        await app.ProposedRunAsync("acme", new Approver("ann", "ann@example.com", true));

        await DrainNotificationsAsync(app);

        var eml = Assert.Single(Directory.GetFiles(Path.Combine(app.DataDir, EmailSender.OutboxFolder), "*.eml"));
        var text = Unfold(await File.ReadAllTextAsync(eml));
        Assert.Contains("To: ann@example.com", text, StringComparison.Ordinal);
        Assert.Contains("/approve/v1.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATeamsWebhookThatFailsTwice_IsRetriedUntilDelivered()
    {
        var calls = 0;
        teams.Respond = _ => (Interlocked.Increment(ref calls) <= 2 ? 500 : 200, []);
        using var app = App();
        await app.ProposedRunAsync("acme", new Approver("ann", null, true));

        await DrainNotificationsAsync(app);

        Assert.Equal(3, teams.Received.Count);
    }

    [Fact]
    public async Task ATeamsWebhookThatAlwaysFails_IsGivenUp_AndTheRunIsNotAffected()
    {
        teams.Respond = _ => (503, []);
        using var app = App();
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", "ann@example.com", true));

        await DrainNotificationsAsync(app);

        Assert.Equal(3, teams.Received.Count);
        Assert.Single(smtp.Received);
        Assert.Equal(RunStatus.AwaitingApproval, (await app.Get<IRebalanceRuns>().GetAsync(runId, CancellationToken.None))!.Status);
        Assert.Contains(app.Logs.Lines, l => l.Contains("Gave up delivering the Teams card", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EveryEvent_IsPostedToTheEventWebhooksAsCloudEvents()
    {
        using var app = App();
        var runId = await app.ProposedRunAsync("acme", new Approver("ann", null, true));

        await DrainNotificationsAsync(app);

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

        var queue = app.Get<IWorkQueueFactory>().Get(QueueEventSink.DefaultQueueName);
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
        ["Rebalancing:Notifications:SmtpPort"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Rebalancing:Notifications:MaxAttempts"] = "3",
        ["Rebalancing:Notifications:RetryDelay"] = "00:00:00.010",
    });

    private static async Task DrainNotificationsAsync(FunctionApp app)
    {
        var runner = app.Get<QueueTriggerRunner>();
        var trigger = app.Get<NotificationQueueTrigger>();
        while (await runner.PollOnceAsync(trigger, CancellationToken.None))
        {
        }
    }

    /// <summary>Undoes quoted-printable soft line breaks and '=3D'.</summary>
    private static string Unfold(string mime) => mime.Replace("=\r\n", "", StringComparison.Ordinal).Replace("=3D", "=", StringComparison.Ordinal);
}
