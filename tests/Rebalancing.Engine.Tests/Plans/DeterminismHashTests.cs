using Rebalancing.Engine.Input;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Plans;
using Rebalancing.Engine.Tests.Support;

namespace Rebalancing.Engine.Tests.Plans;

/// <summary>engine-rules.md, Determinism hash: what must not change it, and what must.</summary>
public class DeterminismHashTests
{
    private static Dictionary<string, string> Files() => new()
    {
        ["snapshot.json"] = """{"org_id":"org-1","as_of":"2026-11-20T00:00:00Z","currency":"ZAR","snapshot_id":"snap-1"}""",
        ["nodes.csv"] = """
            node_id,type,cluster,latitude,longitude,capacity_units,receive_enabled,ship_enabled
            W1,warehouse,,,,,true,true
            S1,store,GP,,,200,true,true
            S2,store,GP,-26.1,28.05,,true,true
            S3,store,CT,-33.9,18.4,,true,true

            """,
        ["products.csv"] = """
            sku,style,size,size_order,unit_cost,unit_price,lifecycle,season_end
            TEE-1,TEE,S,1,200,500,core,
            TEE-2,TEE,M,2,200,500,core,
            TEE-3,TEE,L,3,200,500,core,
            CAP-1,CAP,OS,1,20,80,core,2027-02-01

            """,
        ["inventory.csv"] = """
            node_id,sku,on_hand,in_transit,reserved,sales_4w
            W1,TEE-1,20,0,0,0
            W1,TEE-2,20,0,0,0
            W1,TEE-3,20,0,0,0
            W1,CAP-1,30,0,0,0
            S1,TEE-1,0,0,0,8
            S1,TEE-2,0,0,0,8
            S1,TEE-3,0,0,0,8
            S1,CAP-1,0,0,0,6
            S2,TEE-1,5,0,1,2
            S2,TEE-2,4,1,0,2
            S3,TEE-3,6,0,0,1

            """,
        ["freight.csv"] = """
            from_node,to_node,from_cluster,to_cluster,cost_per_unit,cost_per_shipment,transit_days
            W1,S1,,,1,10,1
            ,,GP,CT,2,40,3

            """,
    };

    private static Plan PlanOf(IReadOnlyDictionary<string, string> files, string policy = "{}") =>
        Planner.Create(RandomNetwork.Load(files), RandomNetwork.Policy(policy));

    private static string Sha256(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    private static void AssertSamePlan(Plan expected, Plan actual)
    {
        Assert.Equal(expected.Hash, actual.Hash);
        Assert.Equal(expected.InputHash, actual.InputHash);
        Assert.Equal(expected.Moves.ToArray(), actual.Moves.ToArray());
        Assert.Equal(expected.Blocked.ToArray(), actual.Blocked.ToArray());
    }

    [Fact]
    public void Plan_TheBaseNetwork_HasMovesSoThePlanPartOfTheHashIsExercised()
    {
        var plan = PlanOf(Files());

        Assert.NotEmpty(plan.Moves);
        Assert.NotEmpty(plan.Blocked);
        Assert.Matches("^[0-9a-f]{64}$", plan.Hash);
        Assert.Matches("^[0-9a-f]{64}$", plan.InputHash);
        Assert.NotEqual(plan.Hash, plan.InputHash);
    }

    [Fact]
    public void Plan_Hashes_AreSha256OfTheCanonicalTextAndOfItsInputLines()
    {
        // Planner.Create hashes the input while the passes run, writing the input's text once for both hashes.
        var plan = PlanOf(Files());
        using var writer = new StringWriter();
        DeterminismHash.WriteCanonical(writer, plan);
        var text = writer.ToString();
        var input = text[text.IndexOf("[snapshot]\n", StringComparison.Ordinal)..text.IndexOf("[moves]\n", StringComparison.Ordinal)];

        Assert.Equal(Sha256(text), plan.Hash);
        Assert.Equal(Sha256(input), plan.InputHash);
        Assert.Equal(DeterminismHash.OfInput(plan.Snapshot, plan.Policy), plan.InputHash);
        Assert.Equal(DeterminismHash.OfPlan(plan), plan.Hash);
    }

    [Fact]
    public void Plan_SameInputTwice_GivesTheSameHash() => AssertSamePlan(PlanOf(Files()), PlanOf(Files()));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Plan_InventoryRowsShuffled_GivesTheSamePlanAndHash(int shuffleSeed)
    {
        var files = Files();
        files["inventory.csv"] = RandomNetwork.ShuffleRows(files["inventory.csv"], shuffleSeed);

        AssertSamePlan(PlanOf(Files()), PlanOf(files));
    }

    [Fact]
    public void Plan_EveryFilesRowsShuffled_GivesTheSamePlanAndHash()
    {
        var files = RandomNetwork.Map(Files(), csv => RandomNetwork.ShuffleRows(csv, 7));

        AssertSamePlan(PlanOf(Files()), PlanOf(files));
    }

    [Fact]
    public void Plan_ColumnsReordered_GivesTheSamePlanAndHash()
    {
        var files = RandomNetwork.Map(Files(), RandomNetwork.ReverseColumns);

        AssertSamePlan(PlanOf(Files()), PlanOf(files));
    }

    [Fact]
    public void Plan_HeaderCaseChanged_GivesTheSamePlanAndHash()
    {
        var files = RandomNetwork.Map(Files(), RandomNetwork.UpperCaseHeader);

        AssertSamePlan(PlanOf(Files()), PlanOf(files));
    }

    [Fact]
    public void Plan_CrlfInsteadOfLf_GivesTheSamePlanAndHash()
    {
        var files = Files().ToDictionary(f => f.Key, f => RandomNetwork.Crlf(f.Value));

        AssertSamePlan(PlanOf(Files()), PlanOf(files));
    }

    [Fact]
    public void Plan_SnapshotZippedInsteadOfAFolder_GivesTheSamePlanAndHash()
    {
        using var zip = new ZipSnapshotSource(new MemoryStream(RandomNetwork.Zip(Files())));
        var loaded = SnapshotLoader.Load(zip);
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Problems));

        AssertSamePlan(PlanOf(Files()), Planner.Create(loaded.Snapshot!, RandomNetwork.Policy("{}")));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public void Plan_RandomNetworkRewrittenEveryHarmlessWay_GivesTheSamePlanAndHash(int seed)
    {
        var files = RandomNetwork.Generate(seed);
        var rewritten = RandomNetwork.Map(files, csv => RandomNetwork.Crlf(RandomNetwork.UpperCaseHeader(RandomNetwork.ReverseColumns(RandomNetwork.ShuffleRows(csv, seed)))));

        AssertSamePlan(PlanOf(files), PlanOf(rewritten));
    }

    [Fact]
    public void Plan_PolicyWrittenDifferentlyButEqual_GivesTheSameHash()
    {
        AssertSamePlan(PlanOf(Files(), "{}"), PlanOf(Files(), """{ "horizon_weeks": 8.0, "pass1": { "min_push_units": 2 } }"""));
    }

    [Theory]
    [InlineData("inventory.csv", "S2,TEE-1,5,0,1,2", "S2,TEE-1,6,0,1,2")]
    [InlineData("inventory.csv", "S3,TEE-3,6,0,0,1", "S3,TEE-3,6,0,0,1.5")]
    [InlineData("inventory.csv", "S2,TEE-2,4,1,0,2", "S2,TEE-2,4,0,0,2")]
    [InlineData("products.csv", "TEE-2,TEE,M,2,200,500,", "TEE-2,TEE,M,2,200,501,")]
    [InlineData("products.csv", "TEE-2,TEE,M,2,200,500,", "TEE-2,TEE,M,2,199,500,")]
    [InlineData("products.csv", "CAP-1,CAP,OS,1,20,80,core,2027-02-01", "CAP-1,CAP,OS,1,20,80,core,2027-02-02")]
    [InlineData("nodes.csv", "S1,store,GP,,,200,", "S1,store,GP,,,199,")]
    [InlineData("nodes.csv", "S2,store,GP,-26.1,", "S2,store,GP,-26.2,")]
    [InlineData("nodes.csv", "S3,store,CT,-33.9,18.4,,true,true", "S3,store,CT,-33.9,18.4,,true,false")]
    [InlineData("freight.csv", "W1,S1,,,1,10,1", "W1,S1,,,1.5,10,1")]
    [InlineData("freight.csv", ",,GP,CT,2,40,3", ",,GP,CT,2,41,3")]
    [InlineData("snapshot.json", "2026-11-20T00:00:00Z", "2026-11-20T00:00:01Z")]
    [InlineData("snapshot.json", "\"org-1\"", "\"org-2\"")]
    public void Plan_OneInputValueChanged_ChangesBothHashes(string file, string before, string after)
    {
        var files = Files();
        Assert.Contains(before, files[file], StringComparison.Ordinal);
        files[file] = files[file].Replace(before, after, StringComparison.Ordinal);

        var original = PlanOf(Files());
        var changed = PlanOf(files);

        Assert.NotEqual(original.InputHash, changed.InputHash);
        Assert.NotEqual(original.Hash, changed.Hash);
    }

    [Fact]
    public void Plan_RecentMoveAdded_ChangesBothHashes()
    {
        var files = Files();
        files["recent_moves.csv"] = "sku,from_node,to_node,quantity,applied_at\nCAP-1,W1,S3,1,2026-10-01T00:00:00Z\n";

        Assert.NotEqual(PlanOf(Files()).InputHash, PlanOf(files).InputHash);
        Assert.NotEqual(PlanOf(Files()).Hash, PlanOf(files).Hash);
    }

    [Theory]
    [InlineData("""{"horizon_weeks": 9}""")]
    [InlineData("""{"pass1": {"max_push_units": 47}}""")]
    [InlineData("""{"approval": {"timeout_hours": 24}}""")]
    [InlineData("""{"overrides": [{"match": {"cluster": "CT"}, "set": {"markdown_rate": 0.4}}]}""")]
    public void Plan_OnePolicyValueChanged_ChangesBothHashes(string policy)
    {
        var original = PlanOf(Files());
        var changed = PlanOf(Files(), policy);

        Assert.NotEqual(original.InputHash, changed.InputHash);
        Assert.NotEqual(original.Hash, changed.Hash);
    }
}
