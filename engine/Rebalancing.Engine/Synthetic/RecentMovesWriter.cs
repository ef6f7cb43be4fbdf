using System.Globalization;

namespace Rebalancing.Engine.Synthetic;

/// <summary>
/// Writes <c>recent_moves.csv</c>: about one move per 140 (store, SKU) pairs, applied in the
/// 30 days before as-of (a little under half inside the default 14-day cool-down). Each
/// goes to a receiving store that carries the style, from a shipping store of the same
/// cluster (sometimes another cluster) or from a warehouse (always for eol).
/// </summary>
internal static class RecentMovesWriter
{
    /// <summary>The header row.</summary>
    public const string Header = "sku,from_node,to_node,quantity,applied_at";

    /// <summary>(store, SKU) pairs per recent move.</summary>
    public const long PairsPerMove = 140;

    /// <summary>How far back moves go, in seconds (30 days).</summary>
    private const int WindowSeconds = 30 * 24 * 3600;

    /// <summary>The number of moves for a network: at least 3.</summary>
    public static int MoveCount(NetworkModel model)
    {
        long pairs = (long)model.Stores.Length * model.Styles.Sum(s => (long)s.Sizes.Length);
        return (int)Math.Min(int.MaxValue, Math.Max(3, pairs / PairsPerMove));
    }

    /// <summary>Writes the file and returns the data rows written.</summary>
    public static long Write(NetworkModel model, TextWriter writer)
    {
        var csv = new CsvRowWriter(writer, Header);
        int count = MoveCount(model);
        for (int k = 0; k < count; k++)
        {
            var rng = Prng.For(model.Seed, RandomStream.RecentMoves, k);
            NodeModel to = PickStore(model, ref rng, s => s.ReceiveEnabled);
            StyleModel style = PickCarried(model, to, ref rng);
            NodeModel from = PickSource(model, to, style, ref rng);
            string size = style.Sizes[rng.NextInt(style.Sizes.Length)];

            // Whole minutes, from one hour to 30 days before as-of.
            int seconds = rng.NextInt(60, WindowSeconds / 60) * 60;
            DateTime appliedAt = model.AsOf.UtcDateTime.AddSeconds(-seconds);

            csv.Field(style.Id, '-', size);
            csv.Field(from.Id);
            csv.Field(to.Id);
            csv.Field(rng.NextInt(1, 6));
            csv.Field(appliedAt.ToString(SnapshotJsonWriter.InstantFormat, CultureInfo.InvariantCulture));
            csv.EndRow();
        }

        return csv.Rows;
    }

    private static NodeModel PickStore(NetworkModel model, ref Prng rng, Func<NodeModel, bool> ok)
    {
        for (int attempt = 0; attempt < 8; attempt++)
        {
            NodeModel store = model.Stores[rng.NextInt(model.Stores.Length)];
            if (ok(store))
            {
                return store;
            }
        }

        return model.Stores.First(ok);
    }

    private static StyleModel PickCarried(NetworkModel model, NodeModel store, ref Prng rng)
    {
        for (int attempt = 0; attempt < 16; attempt++)
        {
            StyleModel style = model.Styles[rng.NextInt(model.Styles.Length)];
            if (model.Carries(store, style))
            {
                return style;
            }
        }

        return model.Styles[store.AnchorStyle];
    }

    /// <summary>
    /// From a warehouse for eol and one move in four; otherwise from another shipping store,
    /// of the same cluster nine times in ten; a warehouse when there is none.
    /// </summary>
    private static NodeModel PickSource(NetworkModel model, NodeModel to, StyleModel style, ref Prng rng)
    {
        NodeModel warehouse = model.Warehouses[rng.NextInt(model.Warehouses.Length)];
        if (style.Lifecycle == Lifecycle.Eol || rng.Chance(0.25))
        {
            return warehouse;
        }

        bool sameCluster = rng.Chance(0.9);
        ClusterModel cluster = model.Clusters[to.Cluster];
        for (int attempt = 0; attempt < 8; attempt++)
        {
            NodeModel from = sameCluster
                ? model.Stores[cluster.FirstStore + rng.NextInt(cluster.StoreCount)]
                : model.Stores[rng.NextInt(model.Stores.Length)];
            if (from != to && from.ShipEnabled)
            {
                return from;
            }
        }

        return warehouse;
    }
}
