namespace Rebalancing.Engine.Planning;

/// <summary>A move row while planning: unique per (pass, sender cell, receiver cell).</summary>
internal sealed class PlannedMove(int pass, int fromCell, int toCell)
{
    public int Pass { get; } = pass;

    public int FromCell { get; } = fromCell;

    public int ToCell { get; } = toCell;

    public int Quantity { get; set; }
}
