using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Rebalancing.Functions.Approval;
using Rebalancing.Functions.Notifications;
using Rebalancing.Functions.Orchestration;
using Rebalancing.Functions.Storage;
using Rebalancing.Functions.Triggers;

namespace Rebalancing.Functions.Application;

/// <summary>The app's composition: storage, the orchestration, the triggers, approval and notifications.</summary>
internal static class ApplicationServices
{
    /// <summary>
    /// The host's request logging (<c>Microsoft.AspNetCore.Hosting.Diagnostics</c>, Information) and the route
    /// matcher (<c>Microsoft.AspNetCore.Routing.Matching</c>, Debug) write request paths, which for approval links
    /// carry the token: they are capped so tokens never reach a log (a test captures every category at Trace).
    /// </summary>
    public const string RequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public const string RouteMatchingLogCategory = "Microsoft.AspNetCore.Routing.Matching";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
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
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddHttpClient(IngestionQueueTrigger.HttpClientName, c => c.Timeout = TimeSpan.FromMinutes(2));
        services.AddHttpClient(CloudEventsWebhook.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30));

        services.AddSingleton(sp => AppSecrets.Resolve(sp.GetRequiredService<IOptions<RebalancingOptions>>(), sp.GetRequiredService<IHostEnvironment>()));
        services.AddSingleton<FunctionKeyFilter>();
        services.AddSingleton<PublicUrls>();
        services.AddSingleton<SnapshotIngestion>();

        // The orchestration (its service, activities and worker), registered by the orchestration itself.
        builder.AddRebalancingOrchestration();
        services.AddSingleton<IRebalanceRuns, OrchestrationRebalanceRuns>();

        // Approval links.
        services.AddSingleton<ApprovalTokens>();
        services.AddSingleton<ApprovalLinks>();

        // Events: the rebalancing-events queue, and the notification queue (webhooks, Teams, email).
        services.AddSingleton<IEventSink>(sp => new CompositeEventSink(
        [
            new QueueEventSink(sp.GetRequiredService<IWorkQueueFactory>().Get(QueueNames.Events)),
            new NotificationQueueSink(sp.GetRequiredService<IWorkQueueFactory>(), sp.GetRequiredService<IOptions<RebalancingOptions>>()),
        ]));
        services.AddSingleton<Deliveries>();
        services.AddSingleton<CloudEventsWebhook>();
        services.AddSingleton<EmailSender>();

        // Triggers: queues (work, ingestion, notifications) and the schedule.
        services.AddSingleton<QueueTriggerRunner>();
        services.AddSingleton<WorkQueueTrigger>();
        services.AddSingleton<IngestionQueueTrigger>();
        services.AddSingleton<NotificationQueueTrigger>();
        services.AddSingleton<IQueueTrigger>(sp => sp.GetRequiredService<WorkQueueTrigger>());
        services.AddSingleton<IQueueTrigger>(sp => sp.GetRequiredService<IngestionQueueTrigger>());
        services.AddSingleton<IQueueTrigger>(sp => sp.GetRequiredService<NotificationQueueTrigger>());
        services.AddSingleton<ScheduledRebalanceTrigger>();
        services.AddSingleton<SnapshotPickupTrigger>();
        // Each decides at start from the bound options (test hosts add their configuration after this runs).
        services.AddHostedService<QueueTriggerHost>();
        services.AddHostedService<ScheduledTriggerHost<ScheduledRebalanceTrigger>>();
        services.AddHostedService<ScheduledTriggerHost<SnapshotPickupTrigger>>();
        services.AddHostedService<StartupBanner>();
        services.AddHostedService<DevelopmentSeed>();

        return builder;
    }

    /// <summary>Maps every route: <c>/api/health</c> (no key), the keyed <c>/api</c> routes, and the approval pages.</summary>
    public static WebApplication MapApplicationApis(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthApi();
        var api = app.MapGroup("/api").AddEndpointFilter<FunctionKeyFilter>();
        api.MapSnapshotsApi();
        api.MapRebalancesApi();
        api.MapReportsApi();
        app.MapApprovalPages();
        return app;
    }
}
