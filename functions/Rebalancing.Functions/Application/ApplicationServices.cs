using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Rebalancing.Functions.Approval;
using Rebalancing.Functions.Notifications;
using Rebalancing.Functions.Rebalances;
using Rebalancing.Functions.Snapshots;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Application;

/// <summary>
/// The app's composition: storage, the run service and its activities' services, approval, notifications. The
/// Functions host's <c>Program</c> and the local host both call <see cref="AddRebalancing"/>, so the functions they
/// run resolve the same services.
/// </summary>
internal static class ApplicationServices
{
    /// <summary>
    /// Request logging (<c>Microsoft.AspNetCore.Hosting.Diagnostics</c>, Information) and the route matcher
    /// (<c>Microsoft.AspNetCore.Routing.Matching</c>, Debug) write request paths, which for approval links carry the
    /// token: they are capped so tokens never reach a log.
    /// </summary>
    public const string RequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public const string RouteMatchingLogCategory = "Microsoft.AspNetCore.Routing.Matching";

    public static IHostApplicationBuilder AddRebalancing(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddRebalancingStorage();
        builder.Logging.AddFilter(RequestLogCategory, LogLevel.Warning);
        builder.Logging.AddFilter(RouteMatchingLogCategory, LogLevel.Information);
        var services = builder.Services;
        services.AddOptions<RebalancingOptions>()
            .BindConfiguration(RebalancingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        services.AddHttpClient(SnapshotFunctions.HttpClientName, c => c.Timeout = TimeSpan.FromMinutes(2));
        services.AddHttpClient(CloudEventsWebhook.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30));

        services.AddSingleton(sp => AppSecrets.Resolve(sp.GetRequiredService<IOptions<RebalancingOptions>>(), sp.GetRequiredService<IHostEnvironment>()));
        services.AddSingleton<PublicUrls>();
        services.AddSingleton<SnapshotIngestion>();

        // The run: its files in Blob storage, planning inputs (a per-process cache of sessions), events, the service.
        services.AddSingleton(sp => new RunFiles(sp.GetRequiredService<StorageServices>().RunFiles));
        services.AddSingleton<PlanningInputs>();
        services.AddSingleton<RunEvents>();
        services.AddSingleton<RebalanceRuns>();

        // Approval links.
        services.AddSingleton<ApprovalTokens>();
        services.AddSingleton<ApprovalLinks>();

        // Events: to the Service Bus topic where one is configured (Azure), else to the local rebalancing-events queue;
        // and to the notification queue (webhooks, Teams, email).
        services.AddServiceBusEvents(builder.Configuration);
        services.AddSingleton<IEventSink>(sp => new CompositeEventSink(
        [
            (IEventSink?)sp.GetService<ServiceBusEventSink>() ?? new QueueEventSink(sp.GetRequiredService<IWorkQueueFactory>().Get(QueueNames.Events)),
            new NotificationQueueSink(sp.GetRequiredService<IWorkQueueFactory>(), sp.GetRequiredService<IOptions<RebalancingOptions>>()),
        ]));
        services.AddSingleton<Deliveries>();
        services.AddSingleton<CloudEventsWebhook>();
        services.AddSingleton<EmailSender>();
        return builder;
    }
}
