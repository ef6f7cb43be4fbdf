namespace Rebalancing.Engine.Planning;

internal sealed partial class PlanContext
{
    // Built with the cells, before any pass runs: clusters plan on several threads and only read them.
    private int[] skuCellStart = [];
    private int[] skuCells = [];
    private int[] clusterSkuCellStart = [];
    private int[] clusterSkuCells = [];

    /// <summary>The cells of a SKU across all nodes, in node order.</summary>
    public ReadOnlySpan<int> CellsOfSku(int sku)
    {
        return skuCells.AsSpan(skuCellStart[sku], skuCellStart[sku + 1] - skuCellStart[sku]);
    }

    /// <summary>The store cells of a SKU in one cluster, in node order (a cluster's transfers never look further).</summary>
    public ReadOnlySpan<int> StoreCellsOfSku(int cluster, int sku)
    {
        var slot = (cluster * Snapshot.Products.Length) + sku;
        return clusterSkuCells.AsSpan(clusterSkuCellStart[slot], clusterSkuCellStart[slot + 1] - clusterSkuCellStart[slot]);
    }

    private void BuildClusterSkuCells()
    {
        var skuCount = Snapshot.Products.Length;
        var start = new int[(Snapshot.Clusters.Length * skuCount) + 1];
        for (var c = 0; c < CellCount; c++)
        {
            var cluster = NodeCluster[CellNode[c]];
            if (NodeIsStore[CellNode[c]] && cluster >= 0)
            {
                start[(cluster * skuCount) + CellSku[c] + 1]++;
            }
        }

        for (var s = 0; s + 1 < start.Length; s++)
        {
            start[s + 1] += start[s];
        }

        var fill = (int[])start.Clone();
        var cells = new int[start[^1]];
        for (var c = 0; c < CellCount; c++)
        {
            var cluster = NodeCluster[CellNode[c]];
            if (NodeIsStore[CellNode[c]] && cluster >= 0)
            {
                cells[fill[(cluster * skuCount) + CellSku[c]]++] = c;
            }
        }

        clusterSkuCellStart = start;
        clusterSkuCells = cells;
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
