using System.Globalization;

namespace Rebalancing.Engine.Synthetic;

/// <summary>
/// The parts of a generated network that are held in memory: clusters, nodes and styles
/// (arrays proportional to stores and styles, never to inventory rows). Inventory, freight
/// and recent moves are derived from it while they are written.
/// </summary>
internal sealed partial class NetworkModel
{
    private NetworkModel(NetworkGeneratorOptions options, DateOnly asOfDate)
    {
        Seed = options.Seed;
        AsOf = options.AsOf.ToUniversalTime();
        AsOfDate = asOfDate;
    }

    /// <summary>The options' seed.</summary>
    public long Seed { get; }

    /// <summary>The as-of instant, UTC.</summary>
    public DateTimeOffset AsOf { get; }

    /// <summary>The as-of date (UTC), for season ends.</summary>
    public DateOnly AsOfDate { get; }

    /// <summary>Clusters, largest first.</summary>
    public ClusterModel[] Clusters { get; private set; } = [];

    /// <summary>Styles in style order.</summary>
    public StyleModel[] Styles { get; private set; } = [];

    /// <summary>Stores, grouped by cluster.</summary>
    public NodeModel[] Stores { get; private set; } = [];

    /// <summary>Warehouses.</summary>
    public NodeModel[] Warehouses { get; private set; } = [];

    /// <summary>Builds the model of a validated set of options.</summary>
    public static NetworkModel Build(NetworkGeneratorOptions options)
    {
        DateTimeOffset asOf = options.AsOf.ToUniversalTime();
        var model = new NetworkModel(options, DateOnly.FromDateTime(asOf.UtcDateTime));
        model.Clusters = model.BuildClusters(options.EffectiveClusters, options.Stores);
        model.Styles = model.BuildStyles(options.Skus);
        model.Stores = model.BuildStores(options.Stores);
        model.Warehouses = model.BuildWarehouses(options.EffectiveWarehouses);
        return model;
    }

    /// <summary>Whether a node carries a style: a stateless decision, so any writer can ask it again.</summary>
    public bool Carries(NodeModel node, StyleModel style) =>
        style.Index == node.AnchorStyle
        || Prng.Unit(Seed, RandomStream.Carry, NodeKey(node), style.Index) < node.AssortmentShare;

    /// <summary>
    /// A style's demand multiplier in a cluster: log-normal around 1, and about one style in
    /// fourteen nearly dead in the cluster while it sells elsewhere.
    /// </summary>
    public double Affinity(StyleModel style, int cluster)
    {
        var rng = Prng.For(Seed, RandomStream.Affinity, style.Index, cluster);
        return rng.Chance(0.07) ? 0.05 : DeterministicMath.Exp(0.45 * rng.NextStandardNormal());
    }

    /// <summary>A key unique across stores and warehouses.</summary>
    public static long NodeKey(NodeModel node) => node.IsWarehouse ? -1L - node.Index : node.Index;

    /// <summary>Zero-padded identifier width for a count: at least <paramref name="minimum"/> digits.</summary>
    private static int Width(int count, int minimum) =>
        Math.Max(minimum, count.ToString(CultureInfo.InvariantCulture).Length);
}
