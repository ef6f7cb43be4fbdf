using Rebalancing.Engine.Synthetic;

namespace Rebalancing.Engine.Tests.Synthetic;

public sealed class NetworkGeneratorOptionsTests
{
    [Fact]
    public void Defaults_ArePilotSizedAndFixedInTime()
    {
        var options = new NetworkGeneratorOptions();

        Assert.Equal(40, options.Stores);
        Assert.Equal(1000, options.Skus);
        Assert.Equal(1, options.Seed);
        Assert.Equal("demo-retail", options.OrgId);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), options.AsOf);
        Assert.Equal(6, options.EffectiveClusters);
        Assert.Equal(1, options.EffectiveWarehouses);
        Assert.Equal("synthetic-s40-k1000-seed1", options.SnapshotId);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(5, 1, 1)]
    [InlineData(12, 2, 1)]
    [InlineData(199, 8, 1)]
    [InlineData(200, 8, 2)]
    [InlineData(500, 8, 3)]
    public void EffectiveCounts_WhenNotSet_AreDerivedFromStores(int stores, int clusters, int warehouses)
    {
        var options = new NetworkGeneratorOptions { Stores = stores };

        Assert.Equal(clusters, options.EffectiveClusters);
        Assert.Equal(warehouses, options.EffectiveWarehouses);
    }

    [Fact]
    public void EffectiveCounts_WhenSet_AreTheSetValues()
    {
        var options = new NetworkGeneratorOptions { Stores = 50, Clusters = 3, Warehouses = 4 };

        Assert.Equal(3, options.EffectiveClusters);
        Assert.Equal(4, options.EffectiveWarehouses);
    }

    [Theory]
    [InlineData(0, 10, null, null, "Stores")]
    [InlineData(-3, 10, null, null, "Stores")]
    [InlineData(10, 0, null, null, "Skus")]
    [InlineData(10, 10, 0, null, "Clusters")]
    [InlineData(10, 10, 11, null, "Clusters")]
    [InlineData(10, 10, null, 0, "Warehouses")]
    [InlineData(100_001, 10, null, null, "Stores")]
    public void Validate_CountOutOfRange_ThrowsNamingTheOption(int stores, int skus, int? clusters, int? warehouses, string name)
    {
        var options = new NetworkGeneratorOptions { Stores = stores, Skus = skus, Clusters = clusters, Warehouses = warehouses };

        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal(name, error.ParamName);
        Assert.StartsWith(name + " must be between", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_BlankOrgId_Throws(string orgId)
    {
        var options = new NetworkGeneratorOptions { OrgId = orgId };

        ArgumentException error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(nameof(NetworkGeneratorOptions.OrgId), error.ParamName);
    }

    [Fact]
    public void Validate_AsOfWithMilliseconds_Throws()
    {
        var options = new NetworkGeneratorOptions { AsOf = NetworkGeneratorDefaults.AsOf.AddMilliseconds(5) };

        ArgumentException error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(nameof(NetworkGeneratorOptions.AsOf), error.ParamName);
    }

    [Fact]
    public void Generate_InvalidOptions_ThrowsBeforeOpeningAFile()
    {
        bool opened = false;

        Assert.Throws<ArgumentOutOfRangeException>(() => NetworkGenerator.Generate(new NetworkGeneratorOptions { Skus = 0 }, _ =>
        {
            opened = true;
            return TextWriter.Null;
        }));
        Assert.False(opened);
    }
}
