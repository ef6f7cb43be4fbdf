using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Rebalancing.Engine.Synthetic;

namespace Rebalancing.Engine.Tests.Synthetic;

public sealed class NetworkGeneratorTests
{
    [Fact]
    public void Generate_SameSeed_ProducesIdenticalFiles()
    {
        GeneratedSnapshot first = GeneratedSnapshot.Generate(20, 300, seed: 7);
        GeneratedSnapshot second = GeneratedSnapshot.Generate(20, 300, seed: 7);

        foreach (string file in NetworkGenerator.Files)
        {
            Assert.Equal(first.Text(file), second.Text(file));
        }
    }

    [Fact]
    public void Generate_DifferentSeed_ProducesDifferentFiles()
    {
        GeneratedSnapshot first = GeneratedSnapshot.Generate(20, 300, seed: 7);
        GeneratedSnapshot second = GeneratedSnapshot.Generate(20, 300, seed: 8);

        Assert.NotEqual(first.Text(NetworkGenerator.InventoryFile), second.Text(NetworkGenerator.InventoryFile));
        Assert.NotEqual(first.Text(NetworkGenerator.ProductsFile), second.Text(NetworkGenerator.ProductsFile));
        Assert.NotEqual(first.Text(NetworkGenerator.NodesFile), second.Text(NetworkGenerator.NodesFile));
    }

    [Fact]
    public void Generate_SmallNetwork_MatchesPinnedHash()
    {
        // Pins the output across machines and refactors. A deliberate change to the model
        // updates this hash (and docs/generator.md); an accidental one fails here.
        GeneratedSnapshot snapshot = GeneratedSnapshot.Generate(12, 150, seed: 3);
        var all = new StringBuilder();
        foreach (string file in NetworkGenerator.Files)
        {
            all.Append(file).Append('\n').Append(snapshot.Text(file));
        }

        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(all.ToString())));

        Assert.Equal(PinnedHash, hash);
    }

    [Fact]
    public void Generate_PilotSize_HasAbout28000InventoryRows()
    {
        GeneratedSnapshot snapshot = GeneratedSnapshot.Generate(40, 1000);

        Assert.InRange(snapshot.Info.InventoryRows, 25_000, 31_000);
        Assert.Equal(snapshot.Info.InventoryRows, snapshot.Inventory.Rows.Count);
    }

    [Fact]
    public void Generate_Always_WritesExactlyTheRequestedSkuCount()
    {
        GeneratedSnapshot snapshot = GeneratedSnapshot.Generate(5, 997);

        Assert.Equal(997, snapshot.Info.ProductRows);
        Assert.Equal(997, snapshot.Products.Rows.Count);
    }

    [Fact]
    public void Generate_Always_ReportsTheRowsOfEveryFile()
    {
        GeneratedSnapshot snapshot = GeneratedSnapshot.Generate(30, 400);
        GeneratedNetworkInfo info = snapshot.Info;

        Assert.Equal(NetworkGenerator.Files.Order(StringComparer.Ordinal), snapshot.FileNames.Order(StringComparer.Ordinal));
        Assert.Equal(info.NodeRows, snapshot.Nodes.Rows.Count);
        Assert.Equal(info.Stores + info.Warehouses, snapshot.Nodes.Rows.Count);
        Assert.Equal(info.ProductRows, snapshot.Products.Rows.Count);
        Assert.Equal(info.InventoryRows, snapshot.Inventory.Rows.Count);
        Assert.Equal(info.FreightRows, snapshot.Freight.Rows.Count);
        Assert.Equal(info.RecentMoveRows, snapshot.RecentMoves.Rows.Count);
        Assert.Equal(info.Styles, snapshot.Products.Column("style").Distinct().Count());
        Assert.Equal(info.Clusters, snapshot.Nodes.Column("cluster").Where(c => c.Length > 0).Distinct().Count());
    }

    [Fact]
    public void Generate_Always_WritesTheSnapshotJson()
    {
        GeneratedSnapshot snapshot = GeneratedSnapshot.Generate(40, 1000, seed: 9);

        using JsonDocument json = JsonDocument.Parse(snapshot.Text(NetworkGenerator.SnapshotFile));
        JsonElement root = json.RootElement;
        Assert.Equal("demo-retail", root.GetProperty("org_id").GetString());
        Assert.Equal("2026-11-20T00:00:00Z", root.GetProperty("as_of").GetString());
        Assert.Equal("ZAR", root.GetProperty("currency").GetString());
        Assert.Equal("synthetic-s40-k1000-seed9", root.GetProperty("snapshot_id").GetString());
        Assert.Equal("synthetic-s40-k1000-seed9", snapshot.Info.SnapshotId);
    }

    [Fact]
    public void Generate_OrgIdWithQuotes_IsEscapedInJson()
    {
        GeneratedSnapshot snapshot = GeneratedSnapshot.Generate(new NetworkGeneratorOptions { Stores = 2, Skus = 5, OrgId = "a \"quoted\" org" });

        using JsonDocument json = JsonDocument.Parse(snapshot.Text(NetworkGenerator.SnapshotFile));
        Assert.Equal("a \"quoted\" org", json.RootElement.GetProperty("org_id").GetString());
    }

    [Fact]
    public void Generate_AsOfWithOffset_WritesUtc()
    {
        var asOf = new DateTimeOffset(2027, 3, 1, 2, 0, 0, TimeSpan.FromHours(2));
        GeneratedSnapshot snapshot = GeneratedSnapshot.Generate(new NetworkGeneratorOptions { Stores = 2, Skus = 5, AsOf = asOf });

        using JsonDocument json = JsonDocument.Parse(snapshot.Text(NetworkGenerator.SnapshotFile));
        Assert.Equal("2027-03-01T00:00:00Z", json.RootElement.GetProperty("as_of").GetString());
    }

    [Fact]
    public void Generate_Always_UsesLineFeedsOnly()
    {
        GeneratedSnapshot snapshot = GeneratedSnapshot.Generate(10, 100);

        foreach (string file in NetworkGenerator.Files)
        {
            string text = snapshot.Text(file);
            Assert.DoesNotContain('\r', text);
            Assert.EndsWith("\n", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Generate_Always_DisposesEachWriterBeforeOpeningTheNext()
    {
        var opened = new List<TrackingWriter>();
        NetworkGenerator.Generate(new NetworkGeneratorOptions { Stores = 3, Skus = 20 }, name =>
        {
            Assert.All(opened, w => Assert.True(w.Disposed));
            var writer = new TrackingWriter();
            opened.Add(writer);
            return writer;
        });

        Assert.Equal(NetworkGenerator.Files.Count, opened.Count);
        Assert.All(opened, w => Assert.True(w.Disposed));
    }

    [Fact]
    public void Generate_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => NetworkGenerator.Generate(null!, _ => TextWriter.Null));
        Assert.Throws<ArgumentNullException>(() => NetworkGenerator.Generate(new NetworkGeneratorOptions(), null!));
        Assert.Throws<ArgumentNullException>(() => NetworkGenerator.Generate(new NetworkGeneratorOptions { Stores = 1, Skus = 1 }, _ => null!));
    }

    private const string PinnedHash = "e4c0a7aae6f3d1f49e60cd552e828c278e8d7d7e5d8716f0b1a6a135ad24bc15";

    private sealed class TrackingWriter : StringWriter
    {
        public TrackingWriter()
            : base(System.Globalization.CultureInfo.InvariantCulture)
        {
        }

        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
