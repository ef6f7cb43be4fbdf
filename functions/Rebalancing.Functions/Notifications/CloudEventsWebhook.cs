using System.Net.Http.Headers;
using System.Text.Json;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Notifications;

/// <summary>Posts an event to a webhook as a CloudEvents 1.0 structured-mode JSON document.</summary>
internal sealed class CloudEventsWebhook(IHttpClientFactory http)
{
    public const string HttpClientName = "notifications";
    public const string ContentType = "application/cloudevents+json";

    public static JsonElement ToCloudEvent(string runId, OutboxEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return JsonSerializer.SerializeToElement(new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["specversion"] = "1.0",
            ["id"] = e.EventId,
            ["source"] = runId.Length > 0 ? "/rebalancing/runs/" + runId : "/rebalancing/snapshots",
            ["type"] = "com.rebalancing." + e.Type,
            ["subject"] = runId.Length > 0 ? runId : null,
            ["time"] = e.OccurredAt,
            ["datacontenttype"] = "application/json",
            ["data"] = e.Data,
        }, StorageJson.Options);
    }

    public async ValueTask PostAsync(Uri webhook, string runId, OutboxEvent e, CancellationToken cancellationToken)
    {
        using var client = http.CreateClient(HttpClientName);
        using var content = new StringContent(ToCloudEvent(runId, e).GetRawText());
        content.Headers.ContentType = new MediaTypeHeaderValue(ContentType) { CharSet = "utf-8" };
        using var response = await client.PostAsync(webhook, content, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }
}
