using Rebalancing.Engine.Model;

namespace Rebalancing.Engine.Input;

public static partial class SnapshotLoader
{
    private static readonly string[] InventoryColumns =
        ["node_id", "sku", "on_hand", "sales_4w", "in_transit", "reserved", "weekly_demand"];

    private static InventoryTable? ReadInventory(ISnapshotSource source, List<InputProblem> sink, NodeSet? nodes, ProductSet? products, HashSet<string>? nodeIds, HashSet<string>? skus)
    {
        var problems = new FileProblems(SnapshotFiles.Inventory, sink);
        using var file = CsvFile.Open(source, problems, InventoryColumns, requiredCount: 4);
        if (file is null)
        {
            problems.Close();
            return null;
        }

        // Look keys up by span so a million rows do not allocate two strings each.
        var nodeLookup = (nodes?.Index ?? new Dictionary<string, int>(StringComparer.Ordinal)).GetAlternateLookup<ReadOnlySpan<char>>();
        var skuLookup = (products?.Index ?? new Dictionary<string, int>(StringComparer.Ordinal)).GetAlternateLookup<ReadOnlySpan<char>>();
        var canResolve = nodes is not null && products is not null;

        // Without a set (its file has errors), the ids it declares still tell an unknown reference.
        var declaredNodes = (nodes is null ? nodeIds : null)?.GetAlternateLookup<ReadOnlySpan<char>>();
        var declaredSkus = (products is null ? skus : null)?.GetAlternateLookup<ReadOnlySpan<char>>();
        var skuCount = products?.Products.Length ?? 0;

        var columns = new InventoryColumnsBuilder();
        while (file.Next())
        {
            var errorsBefore = problems.ErrorCount;
            var nodeText = file.Raw(0);
            var skuText = file.Raw(1);
            var node = -1;
            var sku = -1;
            if (nodeText.IsEmpty)
            {
                problems.Error(file.Line, "node_id: a value is required");
            }
            else if (nodes is not null ? !nodeLookup.TryGetValue(nodeText, out node) : declaredNodes is { } n && !n.Contains(nodeText))
            {
                problems.Error(file.Line, $"node_id: unknown node '{nodeText.ToString()}'");
            }

            if (skuText.IsEmpty)
            {
                problems.Error(file.Line, "sku: a value is required");
            }
            else if (products is not null ? !skuLookup.TryGetValue(skuText, out sku) : declaredSkus is { } k && !k.Contains(skuText))
            {
                problems.Error(file.Line, $"sku: unknown sku '{skuText.ToString()}'");
            }

            var onHand = file.Integer(2, required: true);
            var sales = file.Number(3, required: true);
            var inTransit = file.Integer(4, required: false, whenEmpty: 0);
            var reserved = file.Integer(5, required: false, whenEmpty: 0);
            var weekly = file.Number(6, required: false);
            CheckInt32(file, 2, onHand);
            CheckInt32(file, 4, inTransit);
            CheckInt32(file, 5, reserved);
            if (reserved > onHand)
            {
                problems.Error(file.Line, $"reserved ({reserved}) is greater than on_hand ({onHand})");
            }

            if (problems.ErrorCount == errorsBefore && canResolve && onHand is { } h && sales is { } s && inTransit is { } t && reserved is { } r)
            {
                columns.Add(node, sku, (int)h, (int)t, (int)r, s, weekly ?? double.NaN, file.Line, (long)node * skuCount + sku);
            }
        }

        // Duplicates among the rows that parsed, even when other rows have errors: every problem is reported at once.
        if (canResolve)
        {
            columns.SortAndReportDuplicates(problems, nodes!, products!);
        }

        problems.Close();
        return problems.ErrorCount > 0 ? null : columns.Build();
    }

    private static void CheckInt32(CsvFile file, int column, long? value)
    {
        if (value > int.MaxValue)
        {
            file.Problems.Error(file.Line, $"{file.ColumnName(column)}: {value} is too large");
        }
    }

    /// <summary>Growable parallel arrays for the inventory rows, sorted by (node, SKU) at the end.</summary>
    private sealed class InventoryColumnsBuilder
    {
        private int count;
        private int[] node = new int[1024];
        private int[] sku = new int[1024];
        private int[] onHand = new int[1024];
        private int[] inTransit = new int[1024];
        private int[] reserved = new int[1024];
        private double[] sales = new double[1024];
        private double[] weekly = new double[1024];
        private int[] line = new int[1024];
        private long[] key = new long[1024];

        public void Add(int nodeIndex, int skuIndex, int h, int t, int r, double s, double w, int fileLine, long sortKey)
        {
            if (count == node.Length)
            {
                var size = node.Length * 2;
                Array.Resize(ref node, size);
                Array.Resize(ref sku, size);
                Array.Resize(ref onHand, size);
                Array.Resize(ref inTransit, size);
                Array.Resize(ref reserved, size);
                Array.Resize(ref sales, size);
                Array.Resize(ref weekly, size);
                Array.Resize(ref line, size);
                Array.Resize(ref key, size);
            }

            node[count] = nodeIndex;
            sku[count] = skuIndex;
            onHand[count] = h;
            inTransit[count] = t;
            reserved[count] = r;
            sales[count] = s;
            weekly[count] = w;
            line[count] = fileLine;
            key[count] = sortKey;
            count++;
        }

        public void SortAndReportDuplicates(FileProblems problems, NodeSet nodes, ProductSet products)
        {
            // Sort a permutation by (key, line): duplicates end up adjacent and the later occurrence is reported.
            var order = new int[count];
            for (var i = 0; i < count; i++)
            {
                order[i] = i;
            }

            // (key, line) packed in one long: keys stay below 2^31 for any network that fits in memory.
            var keys = key;
            var lines = line;
            var composite = new long[count];
            for (var i = 0; i < count; i++)
            {
                composite[i] = (keys[i] << 32) | (uint)lines[i];
            }

            Array.Sort(composite, order);
            var duplicates = new List<int>();
            for (var i = 1; i < count; i++)
            {
                if (keys[order[i]] == keys[order[i - 1]])
                {
                    duplicates.Add(order[i]);
                }
            }

            duplicates.Sort((a, b) => lines[a].CompareTo(lines[b]));
            foreach (var row in duplicates)
            {
                problems.Error(lines[row], $"duplicate row for node '{nodes.Nodes[node[row]].Id}' and sku '{products.Products[sku[row]].Sku}'");
            }

            Permute(ref node, order);
            Permute(ref sku, order);
            Permute(ref onHand, order);
            Permute(ref inTransit, order);
            Permute(ref reserved, order);
            Permute(ref sales, order);
            Permute(ref weekly, order);
        }

        public InventoryTable Build() => new(node, sku, onHand, inTransit, reserved, sales, weekly);

        private void Permute<T>(ref T[] column, int[] order)
        {
            var sorted = new T[count];
            for (var i = 0; i < count; i++)
            {
                sorted[i] = column[order[i]];
            }

            column = sorted;
        }
    }
}
