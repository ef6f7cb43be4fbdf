using System.Collections.Immutable;
using Rebalancing.Engine.Model;

namespace Rebalancing.Engine.Input;

public static partial class SnapshotLoader
{
    private static readonly string[] RecentMoveColumns = ["sku", "from_node", "to_node", "quantity", "applied_at"];

    private static ImmutableArray<RecentMove>? ReadRecentMoves(ISnapshotSource source, List<InputProblem> sink, HashSet<string>? nodeIds, HashSet<string>? skus)
    {
        var problems = new FileProblems(SnapshotFiles.RecentMoves, sink);
        using var file = CsvFile.Open(source, problems, RecentMoveColumns, requiredCount: 5, optionalFile: true);
        if (file is null)
        {
            problems.Close();
            return problems.ErrorCount > 0 ? null : [];
        }

        var rows = new List<RecentMove>();
        while (file.Next())
        {
            var errorsBefore = problems.ErrorCount;
            var sku = file.RequiredText(0);
            var from = file.RequiredText(1);
            var to = file.RequiredText(2);
            var quantity = file.Integer(3, required: true, min: 1);
            var appliedAt = file.Timestamp(4, required: true);
            if (sku is not null && !IsDeclared(skus, sku))
            {
                problems.Error(file.Line, $"sku: unknown sku '{sku}'");
            }

            foreach (var (id, column) in new[] { (from, "from_node"), (to, "to_node") })
            {
                if (id is not null && !IsDeclared(nodeIds, id))
                {
                    problems.Error(file.Line, $"{column}: unknown node '{id}'");
                }
            }

            if (quantity > int.MaxValue)
            {
                problems.Error(file.Line, "quantity: too large");
            }

            if (problems.ErrorCount == errorsBefore && sku is not null && from is not null && to is not null && quantity is not null && appliedAt is not null)
            {
                rows.Add(new RecentMove(sku, from, to, (int)quantity.Value, appliedAt.Value));
            }
        }

        problems.Close();
        if (problems.ErrorCount > 0)
        {
            return null;
        }

        return [.. rows
            .OrderBy(m => m.AppliedAt)
            .ThenBy(m => m.Sku, StringComparer.Ordinal)
            .ThenBy(m => m.FromNode, StringComparer.Ordinal)
            .ThenBy(m => m.ToNode, StringComparer.Ordinal)
            .ThenBy(m => m.Quantity)];
    }
}
