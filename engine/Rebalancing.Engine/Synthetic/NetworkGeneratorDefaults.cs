namespace Rebalancing.Engine.Synthetic;

/// <summary>The defaults and limits of <see cref="NetworkGeneratorOptions"/>, kept in one place.</summary>
public static class NetworkGeneratorDefaults
{
    /// <summary>Default number of stores: 40, the size of the published pilot.</summary>
    public const int Stores = 40;

    /// <summary>Default number of SKUs: 1000 (about 28,000 inventory rows with 40 stores).</summary>
    public const int Skus = 1000;

    /// <summary>Default seed: 1.</summary>
    public const long Seed = 1;

    /// <summary>Default organisation id: <c>demo-retail</c>.</summary>
    public const string OrgId = "demo-retail";

    /// <summary>Currency written to <c>snapshot.json</c>: South African rand.</summary>
    public const string Currency = "ZAR";

    /// <summary>Most clusters derived by default (one per 6 stores, at least 1).</summary>
    public const int MaxDerivedClusters = 8;

    /// <summary>Stores per derived cluster.</summary>
    public const int StoresPerDerivedCluster = 6;

    /// <summary>Stores per additional derived warehouse (1 + stores / 200).</summary>
    public const int StoresPerDerivedWarehouse = 200;

    /// <summary>Largest accepted store count.</summary>
    public const int MaxStores = 100_000;

    /// <summary>Largest accepted SKU count.</summary>
    public const int MaxSkus = 10_000_000;

    /// <summary>Largest accepted warehouse count.</summary>
    public const int MaxWarehouses = 1_000;

    /// <summary>Default as-of instant: 2026-11-20T00:00:00Z. Never the clock.</summary>
    public static readonly DateTimeOffset AsOf = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
}
