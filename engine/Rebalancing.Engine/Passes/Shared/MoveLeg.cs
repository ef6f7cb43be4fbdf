namespace Rebalancing.Engine.Passes.Shared;

/// <summary>One SKU's units in a candidate action: from a sender cell to a receiver cell.</summary>
internal struct MoveLeg
{
    public int FromCell;
    public int ToCell;
    public int Quantity;
}
