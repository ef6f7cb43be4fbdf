using System.Globalization;

namespace Rebalancing.Engine.Synthetic;

/// <summary>
/// What <see cref="NetworkGenerator"/> generates. The same options give byte-identical
/// files on any machine. Defaults live in <see cref="NetworkGeneratorDefaults"/>.
/// </summary>
public sealed record NetworkGeneratorOptions
{
    /// <summary>Number of stores, 1 to 100,000. Default 40.</summary>
    public int Stores { get; init; } = NetworkGeneratorDefaults.Stores;

    /// <summary>Number of SKUs (rows of <c>products.csv</c>), exactly; 1 to 10,000,000. Default 1000.</summary>
    public int Skus { get; init; } = NetworkGeneratorDefaults.Skus;

    /// <summary>
    /// Number of regional clusters, 1 to <see cref="Stores"/>; null (the default) derives
    /// <c>max(1, min(8, stores / 6))</c>. See <see cref="EffectiveClusters"/>.
    /// </summary>
    public int? Clusters { get; init; }

    /// <summary>
    /// Number of warehouses, 1 to 1000; null (the default) derives <c>1 + stores / 200</c>.
    /// See <see cref="EffectiveWarehouses"/>.
    /// </summary>
    public int? Warehouses { get; init; }

    /// <summary>Seed of every random choice. Default 1.</summary>
    public long Seed { get; init; } = NetworkGeneratorDefaults.Seed;

    /// <summary>
    /// The snapshot's <c>as_of</c>, a whole second (written in UTC). Default
    /// 2026-11-20T00:00:00Z. Recent moves and season ends are placed relative to it.
    /// </summary>
    public DateTimeOffset AsOf { get; init; } = NetworkGeneratorDefaults.AsOf;

    /// <summary>The snapshot's <c>org_id</c>, not blank. Default <c>demo-retail</c>.</summary>
    public string OrgId { get; init; } = NetworkGeneratorDefaults.OrgId;

    /// <summary>The cluster count used: <see cref="Clusters"/>, or the derived default.</summary>
    public int EffectiveClusters =>
        Clusters ?? Math.Max(1, Math.Min(NetworkGeneratorDefaults.MaxDerivedClusters, Stores / NetworkGeneratorDefaults.StoresPerDerivedCluster));

    /// <summary>The warehouse count used: <see cref="Warehouses"/>, or the derived default.</summary>
    public int EffectiveWarehouses =>
        Warehouses ?? Math.Min(NetworkGeneratorDefaults.MaxWarehouses, 1 + (Math.Max(0, Stores) / NetworkGeneratorDefaults.StoresPerDerivedWarehouse));

    /// <summary>The snapshot id written to <c>snapshot.json</c>: <c>synthetic-s{stores}-k{skus}-seed{seed}</c>.</summary>
    public string SnapshotId => string.Create(CultureInfo.InvariantCulture, $"synthetic-s{Stores}-k{Skus}-seed{Seed}");

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range.</exception>
    /// <exception cref="ArgumentException"><see cref="OrgId"/> is blank or <see cref="AsOf"/> has a fraction of a second.</exception>
    public void Validate()
    {
        CheckRange(Stores, 1, NetworkGeneratorDefaults.MaxStores, nameof(Stores));
        CheckRange(Skus, 1, NetworkGeneratorDefaults.MaxSkus, nameof(Skus));
        if (Clusters is int clusters)
        {
            CheckRange(clusters, 1, Stores, nameof(Clusters), "every cluster needs at least one store");
        }

        if (Warehouses is int warehouses)
        {
            CheckRange(warehouses, 1, NetworkGeneratorDefaults.MaxWarehouses, nameof(Warehouses));
        }

        if (string.IsNullOrWhiteSpace(OrgId))
        {
            throw new ArgumentException("OrgId must not be empty or blank.", nameof(OrgId));
        }

        if (AsOf.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"AsOf must be a whole second (was {AsOf:O}): snapshot.json writes seconds."),
                nameof(AsOf));
        }
    }

    private static void CheckRange(int value, int min, int max, string name, string? why = null)
    {
        if (value < min || value > max)
        {
            string reason = why is null ? string.Empty : $"; {why}";
            throw new ArgumentOutOfRangeException(
                name,
                value,
                string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max} (was {value}){reason}."));
        }
    }
}
