using Rebalancing.Engine.Reasons;

namespace Rebalancing.Engine.Plans;

/// <summary>Whether a move needs an elevated approver (policy.md, approval keys).</summary>
public enum ApprovalLevel
{
    /// <summary>Any approver.</summary>
    Standard,

    /// <summary>An elevated approver: the move's value or share of the sender's stock reaches the policy's threshold.</summary>
    Elevated,
}

/// <summary>One row of <c>moves.csv</c> (plan-output.md).</summary>
/// <param name="MoveId">Stable id derived from (pass, from, to, SKU).</param>
/// <param name="Pass">1, 2 or 3.</param>
/// <param name="FromNode">Sender.</param>
/// <param name="ToNode">Receiver.</param>
/// <param name="Sku">SKU.</param>
/// <param name="Style">Style.</param>
/// <param name="Size">Size label.</param>
/// <param name="Quantity">Units, &gt; 0.</param>
/// <param name="FromCluster">Sender's cluster, empty for none.</param>
/// <param name="ToCluster">Receiver's cluster, empty for none.</param>
/// <param name="GpUpliftCents">This move's share of the plan's value gain, in cents.</param>
/// <param name="FreightCostCents">This move's share of the plan's freight, in cents.</param>
/// <param name="Reason">Why it was made.</param>
/// <param name="ApprovalLevel">Standard or elevated.</param>
public sealed record PlanMove(
    string MoveId,
    int Pass,
    string FromNode,
    string ToNode,
    string Sku,
    string Style,
    string Size,
    int Quantity,
    string FromCluster,
    string ToCluster,
    long GpUpliftCents,
    long FreightCostCents,
    MoveReason Reason,
    ApprovalLevel ApprovalLevel)
{
    /// <summary><c>gp_uplift - freight_cost</c>, in cents.</summary>
    public long NetBenefitCents => GpUpliftCents - FreightCostCents;
}

/// <summary>One row of <c>blocked.csv</c>: an inventory row no move touches and the first rule that stopped it.</summary>
/// <param name="NodeId">Node.</param>
/// <param name="Sku">SKU.</param>
/// <param name="Pass">The pass whose rule stopped it.</param>
/// <param name="Code">The reason.</param>
/// <param name="Detail">The numbers behind the reason.</param>
public sealed record BlockedRow(string NodeId, string Sku, int Pass, ReasonCode Code, string Detail);

/// <summary>Key performance indicators of a state of the network (stores only).</summary>
/// <param name="Fragments">(store, style) pairs holding stock that is not a viable size run.</param>
/// <param name="ViableSizeRuns">(store, style) pairs that are viable size runs.</param>
/// <param name="StockoutsWithDemand">Store inventory rows with demand and no position.</param>
/// <param name="UnitsAtRiskOfMarkdown">Expected store units unsold at full price over the horizon: sum of <c>x - E[min(D, x)]</c>.</param>
public sealed record PlanKpis(int Fragments, int ViableSizeRuns, int StockoutsWithDemand, double UnitsAtRiskOfMarkdown);
