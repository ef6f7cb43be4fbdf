using System.Collections.Immutable;
using Rebalancing.Engine.Model;

namespace Rebalancing.Engine.Input;

public static partial class SnapshotLoader
{
    private static readonly string[] NodeColumns =
        ["node_id", "type", "name", "cluster", "latitude", "longitude", "capacity_units", "receive_enabled", "ship_enabled"];

    /// <summary>Reads nodes.csv: its set, or null when it has an error.</summary>
    /// <param name="source">The snapshot's files.</param>
    /// <param name="sink">Where problems go.</param>
    /// <param name="declared">Every node_id the file names, rows with errors included; null when the file cannot be read.</param>
    private static NodeSet? ReadNodes(ISnapshotSource source, List<InputProblem> sink, out HashSet<string>? declared)
    {
        declared = null;
        var problems = new FileProblems(SnapshotFiles.Nodes, sink);
        using var file = CsvFile.Open(source, problems, NodeColumns, requiredCount: 2);
        if (file is null)
        {
            problems.Close();
            return null;
        }

        var rows = new List<(Node Node, int Line)>();
        var seen = declared = new HashSet<string>(StringComparer.Ordinal);
        while (file.Next())
        {
            var errorsBefore = problems.ErrorCount;
            var id = file.RequiredText(0);
            var typeText = file.RequiredText(1);
            NodeType? type = typeText switch
            {
                null => null,
                _ when typeText.Equals("warehouse", StringComparison.OrdinalIgnoreCase) => NodeType.Warehouse,
                _ when typeText.Equals("store", StringComparison.OrdinalIgnoreCase) => NodeType.Store,
                _ => null,
            };
            if (typeText is not null && type is null)
            {
                problems.Error(file.Line, $"type: '{typeText}' is not 'warehouse' or 'store'");
            }

            var name = file.OptionalText(2) ?? string.Empty;
            var cluster = file.OptionalText(3);
            var latitude = file.Number(4, required: false, min: -90, max: 90);
            var longitude = file.Number(5, required: false, min: -180, max: 180);
            var capacity = file.Integer(6, required: false);
            var receive = file.Boolean(7, whenEmpty: true);
            var ship = file.Boolean(8, whenEmpty: true);

            if (type == NodeType.Store && cluster is null)
            {
                problems.Error(file.Line, $"store '{id}' has no cluster");
            }

            if (file.IsEmpty(4) != file.IsEmpty(5))
            {
                problems.Error(file.Line, "latitude and longitude must be given together or both left empty");
            }

            if (id is not null && !seen.Add(id))
            {
                problems.Error(file.Line, $"duplicate node_id '{id}'");
            }

            if (problems.ErrorCount == errorsBefore && id is not null && type is not null && receive is not null && ship is not null)
            {
                rows.Add((new Node(id, name, type.Value, cluster, -1, latitude, longitude, capacity, receive.Value, ship.Value), file.Line));
            }
        }

        problems.Close();
        if (problems.ErrorCount > 0)
        {
            return null;
        }

        rows.Sort((a, b) => string.CompareOrdinal(a.Node.Id, b.Node.Id));
        var clusters = rows.Select(r => r.Node.Cluster).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray();
        var clusterIndex = clusters.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var nodes = rows.Select(r => r.Node with { ClusterIndex = r.Node.Cluster is { } c ? clusterIndex[c] : -1 }).ToImmutableArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Length; i++)
        {
            index.Add(nodes[i].Id, i);
        }

        return new NodeSet(nodes, clusters, rows.Select(r => r.Line).ToArray(), index);
    }
}
