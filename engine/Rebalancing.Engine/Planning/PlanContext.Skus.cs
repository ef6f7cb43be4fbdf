namespace Rebalancing.Engine.Planning;

internal sealed partial class PlanContext
{
    private int[]? skuCellStart;
    private int[]? skuCells;

    /// <summary>The cells of a SKU across all nodes, in node order.</summary>
    public ReadOnlySpan<int> CellsOfSku(int sku)
    {
        if (skuCells is null)
        {
            BuildSkuCells();
        }

        return skuCells.AsSpan(skuCellStart![sku], skuCellStart[sku + 1] - skuCellStart[sku]);
    }

    private void BuildSkuCells()
    {
        var skuCount = Snapshot.Products.Length;
        var start = new int[skuCount + 1];
        foreach (var sku in CellSku)
        {
            start[sku + 1]++;
        }

        for (var s = 0; s < skuCount; s++)
        {
            start[s + 1] += start[s];
        }

        var fill = (int[])start.Clone();
        var cells = new int[CellCount];
        for (var c = 0; c < CellCount; c++)
        {
            cells[fill[CellSku[c]]++] = c;
        }

        skuCellStart = start;
        skuCells = cells;
    }
}
