using System.Collections.Immutable;
using Rebalancing.Engine.Model;

namespace Rebalancing.Engine.Input;

public static partial class SnapshotLoader
{
    private static readonly string[] FreightColumns =
        ["cost_per_unit", "from_node", "to_node", "from_cluster", "to_cluster", "cost_per_shipment", "transit_days"];

    private static ImmutableArray<FreightRate>? ReadFreight(ISnapshotSource source, List<InputProblem> sink, NodeSet? nodes, HashSet<string>? nodeIds)
    {
        var problems = new FileProblems(SnapshotFiles.Freight, sink);
        using var file = CsvFile.Open(source, problems, FreightColumns, requiredCount: 1, optionalFile: true);
        if (file is null)
        {
            problems.Close();
            return problems.ErrorCount > 0 ? null : [];
        }

        var rows = new List<FreightRate>();
        var seen = new HashSet<(bool, string, string)>();
        while (file.Next())
        {
            var errorsBefore = problems.ErrorCount;
            var fromNode = file.OptionalText(1);
            var toNode = file.OptionalText(2);
            var fromCluster = file.OptionalText(3);
            var toCluster = file.OptionalText(4);
            var perUnit = file.Number(0, required: true);
            var perShipment = file.Number(5, required: false);
            var transit = file.Integer(6, required: false);
            var nodePair = fromNode is not null || toNode is not null;
            var clusterPair = fromCluster is not null || toCluster is not null;
            if (nodePair == clusterPair)
            {
                problems.Error(file.Line, "fill either from_node and to_node or from_cluster and to_cluster, not both and not neither");
            }
            else if (nodePair && (fromNode is null || toNode is null))
            {
                problems.Error(file.Line, "a node route needs both from_node and to_node");
            }
            else if (clusterPair && (fromCluster is null || toCluster is null))
            {
                problems.Error(file.Line, "a cluster route needs both from_cluster and to_cluster");
            }

            foreach (var (id, column) in new[] { (fromNode, "from_node"), (toNode, "to_node") })
            {
                if (id is not null && !IsDeclared(nodeIds, id))
                {
                    problems.Error(file.Line, $"{column}: unknown node '{id}'");
                }
            }

            if (nodes is not null)
            {
                foreach (var (cluster, column) in new[] { (fromCluster, "from_cluster"), (toCluster, "to_cluster") })
                {
                    if (cluster is not null && !nodes.Clusters.Contains(cluster))
                    {
                        problems.Warning(file.Line, $"{column}: no node is in cluster '{cluster}'");
                    }
                }
            }

            if (problems.ErrorCount == errorsBefore && perUnit is not null)
            {
                var key = nodePair ? (true, fromNode!, toNode!) : (false, fromCluster!, toCluster!);
                if (!seen.Add(key))
                {
                    problems.Error(file.Line, $"duplicate route {key.Item2} -> {key.Item3}");
                    continue;
                }

                rows.Add(new FreightRate(fromNode, toNode, fromCluster, toCluster, perUnit.Value, perShipment, transit is { } d ? (int)Math.Min(d, int.MaxValue) : null));
            }
        }

        problems.Close();
        if (problems.ErrorCount > 0)
        {
            return null;
        }

        return [.. rows
            .OrderBy(r => r.IsNodeRoute ? 0 : 1)
            .ThenBy(r => r.FromNode ?? r.FromCluster, StringComparer.Ordinal)
            .ThenBy(r => r.ToNode ?? r.ToCluster, StringComparer.Ordinal)];
    }
}
