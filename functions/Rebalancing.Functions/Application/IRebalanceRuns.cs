using System.Text.Json;
using Rebalancing.Functions.Activities;
using Rebalancing.Functions.Orchestration;

namespace Rebalancing.Functions.Application;

/// <summary>
/// What the triggers ask of rebalance runs: start one, read it and its plan, raise an event, cancel. The HTTP, timer
/// and approval triggers depend on this port only; <see cref="OrchestrationRebalanceRuns"/> implements it over the
/// orchestration's <see cref="RebalanceService"/>.
/// </summary>
internal interface IRebalanceRuns
{
    Task<StartRunResult> StartAsync(string orgId, StartRunRequest request, CancellationToken cancellationToken);

    Task<RunState?> GetAsync(string runId, CancellationToken cancellationToken);

    /// <summary>The run's moves with their status; null for an unknown run, empty before the plan is proposed.</summary>
    Task<IReadOnlyList<RunMoveView>?> ListMovesAsync(string runId, CancellationToken cancellationToken);

    /// <summary>The stored plan (null before it is proposed).</summary>
    Task<StoredPlan?> GetPlanAsync(string runId, CancellationToken cancellationToken);

    Task<RaiseEventResult> RaiseEventAsync(string runId, string name, JsonElement payload, CancellationToken cancellationToken);

    Task<RaiseEventResult> CancelAsync(string runId, CancellationToken cancellationToken);

    /// <summary>The run holding the org's active slot, or null.</summary>
    Task<string?> GetActiveRunIdAsync(string orgId, CancellationToken cancellationToken);
}

/// <summary><see cref="IRebalanceRuns"/> over the orchestration branch's application service and activities.</summary>
internal sealed class OrchestrationRebalanceRuns(RebalanceService service, RebalanceActivities activities, Storage.IRunStore runs) : IRebalanceRuns
{
    public Task<StartRunResult> StartAsync(string orgId, StartRunRequest request, CancellationToken cancellationToken) =>
        service.StartRunAsync(orgId, request, cancellationToken);

    public Task<RunState?> GetAsync(string runId, CancellationToken cancellationToken) => service.GetRunAsync(runId, cancellationToken);

    public Task<IReadOnlyList<RunMoveView>?> ListMovesAsync(string runId, CancellationToken cancellationToken) =>
        service.ListMovesAsync(runId, cancellationToken);

    public Task<StoredPlan?> GetPlanAsync(string runId, CancellationToken cancellationToken) =>
        Ids.IsValid(runId) ? activities.GetPlanAsync(runId, cancellationToken) : Task.FromResult<StoredPlan?>(null);

    public Task<RaiseEventResult> RaiseEventAsync(string runId, string name, JsonElement payload, CancellationToken cancellationToken) =>
        service.RaiseEventAsync(runId, name, payload, cancellationToken);

    public Task<RaiseEventResult> CancelAsync(string runId, CancellationToken cancellationToken) => service.CancelAsync(runId, cancellationToken);

    public Task<string?> GetActiveRunIdAsync(string orgId, CancellationToken cancellationToken) =>
        Ids.IsValid(orgId) ? runs.GetActiveRunAsync(orgId, cancellationToken) : Task.FromResult<string?>(null);
}
