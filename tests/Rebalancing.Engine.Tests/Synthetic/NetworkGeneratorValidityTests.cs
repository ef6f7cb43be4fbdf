using FsCheck;
using FsCheck.Fluent;
using Rebalancing.Engine.Synthetic;

namespace Rebalancing.Engine.Tests.Synthetic;

public sealed class NetworkGeneratorValidityTests
{
    [Fact]
    public void Generate_PilotSize_IsAValidSnapshot()
    {
        SnapshotValidity.AssertValid(GeneratedSnapshot.Generate(40, 1000));
    }

    [Fact]
    public void Generate_ManyClustersAndWarehouses_IsAValidSnapshot()
    {
        GeneratedSnapshot snapshot = GeneratedSnapshot.Generate(30, 200, seed: 5, clusters: 12, warehouses: 3);

        SnapshotValidity.AssertValid(snapshot);
        Assert.Equal(12, snapshot.Info.Clusters);
        Assert.Contains("C12", snapshot.Nodes.Column("cluster"));
        Assert.Equal(3, snapshot.Nodes.Column("type").Count(t => t == "warehouse"));
    }

    [Fact]
    public void Generate_SmallestNetwork_IsAValidSnapshot()
    {
        GeneratedSnapshot snapshot = GeneratedSnapshot.Generate(1, 1);

        SnapshotValidity.AssertValid(snapshot);
        Assert.Equal(1, snapshot.Info.Stores);
        Assert.Equal(1, snapshot.Info.Warehouses);
        Assert.Single(snapshot.Products.Rows);
    }

    [Fact]
    public void Generate_AnySmallNetwork_IsAValidSnapshotWithInventoryAtEveryStore()
    {
        Prop.ForAll(
            Gen.Choose(1, 25).ToArbitrary(),
            Gen.Choose(1, 120).ToArbitrary(),
            Gen.Choose(-1000, 1000).ToArbitrary(),
            (stores, skus, seed) =>
            {
                GeneratedSnapshot snapshot = GeneratedSnapshot.Generate(stores, skus, seed);
                SnapshotValidity.AssertValid(snapshot);
                var stocked = snapshot.Inventory.Column("node_id").ToHashSet(StringComparer.Ordinal);
                Assert.All(
                    snapshot.Nodes.Rows.Where(r => snapshot.Nodes.Get(r, "type") == "store"),
                    r => Assert.Contains(snapshot.Nodes.Get(r, "node_id"), stocked));
            })
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Generate_StoreNamesWithCommasAndQuotes_AreQuoted()
    {
        GeneratedSnapshot snapshot = GeneratedSnapshot.Generate(40, 50);
        string text = snapshot.Text(NetworkGenerator.NodesFile);

        Assert.Contains(snapshot.Nodes.Column("name"), n => n.Contains(',', StringComparison.Ordinal));
        Assert.Contains(snapshot.Nodes.Column("name"), n => n.Contains('"', StringComparison.Ordinal));
        Assert.Contains("\"Distribution Centre, Johannesburg\"", text, StringComparison.Ordinal);
        Assert.Contains("\"\"Flagship\"\"\"", text, StringComparison.Ordinal);
    }
}
