namespace Rebalancing.Engine.Model;

/// <summary>One row of <c>freight.csv</c>: prices one direction of travel between two nodes or two clusters.</summary>
/// <param name="FromNode">Sending node of a node route, or <see langword="null"/>.</param>
/// <param name="ToNode">Receiving node of a node route, or <see langword="null"/>.</param>
/// <param name="FromCluster">Sending cluster of a cluster route, or <see langword="null"/>.</param>
/// <param name="ToCluster">Receiving cluster of a cluster route, or <see langword="null"/>.</param>
/// <param name="CostPerUnit">Cost of one unit on the route.</param>
/// <param name="CostPerShipment">Fixed cost of one shipment in one run; <see langword="null"/> means the policy default.</param>
/// <param name="TransitDays">Transit time in days, when given.</param>
public sealed record FreightRate(
    string? FromNode,
    string? ToNode,
    string? FromCluster,
    string? ToCluster,
    double CostPerUnit,
    double? CostPerShipment,
    int? TransitDays)
{
    /// <summary>True when the row prices a node pair rather than a cluster pair.</summary>
    public bool IsNodeRoute => FromNode is not null;
}
