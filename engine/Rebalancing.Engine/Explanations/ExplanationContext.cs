using Rebalancing.Engine.Planning;

namespace Rebalancing.Engine.Explanations;

/// <summary>
/// The planning context of one snapshot and policy (cells, blocks, sell-through tables), built once by
/// <see cref="SkuExplainer.ContextFor"/> and read by every explanation of their plan.
/// </summary>
public sealed class ExplanationContext
{
    internal ExplanationContext(PlanContext context) => Context = context;

    internal PlanContext Context { get; }
}
