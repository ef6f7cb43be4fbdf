using Rebalancing.Functions.Activities;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Orchestration;

/// <summary>
/// Registers the orchestration: the activities, the worker the work-queue trigger calls
/// (<see cref="RunWorker.HandleAsync"/> per message), and the service the HTTP and timer triggers call. Needs
/// <see cref="StorageServiceCollectionExtensions.AddRebalancingStorage"/> first.
/// </summary>
internal static class OrchestrationServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddRebalancingOrchestration(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton(sp => new PlanningInputs(sp.GetRequiredService<ISnapshotStore>()));
        services.AddSingleton<RebalanceActivities>();
        services.AddSingleton<IRebalanceActivities>(sp => sp.GetRequiredService<RebalanceActivities>());
        services.AddSingleton(sp => new RebalanceService(sp.GetRequiredService<StorageServices>(), sp.GetRequiredService<RebalanceActivities>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new RunWorker(
            sp.GetRequiredService<StorageServices>(),
            sp.GetRequiredService<IRebalanceActivities>(),
            sp.GetRequiredService<IEventSink>(),
            sp.GetRequiredService<TimeProvider>()));
        return builder;
    }
}
