using Rebalancing.Engine.Policies;
using static Rebalancing.Engine.Tests.Policies.PolicyTestHelpers;

namespace Rebalancing.Engine.Tests.Policies;

public class PolicyCanonicalJsonTests
{
    private static readonly string DefaultCanonical = Json(
        "{'approval':{'elevated_share_of_source':0.5,'elevated_value':10000,'timeout_hours':72}," +
        "'change_cap_units_per_sku':null,'cooldown_days':14,'fragment_demand_factor':0.5," +
        "'freight':{'cost_per_unit_per_km':0.01,'default_cost_per_shipment':50,'default_cost_per_unit':5}," +
        "'horizon_weeks':8,'markdown_rate':0.5,'min_viable_run':3,'overrides':[]," +
        "'pass1':{'max_push_units':48,'min_push_units':2,'warehouse_reserve_units':0}," +
        "'pass2':{'inter_cluster_min_uplift_ratio':1.5,'max_route_units':1000,'max_transfer_units':24,'min_transfer_units':2}," +
        "'pass3':{'enabled':true},'store_protected_units':1}");

    private const string Full = """
        {
          "horizon_weeks": 6.5,
          "pass1": { "max_push_units": 30, "min_push_units": 3 },
          "change_cap_units_per_sku": 100,
          "overrides": [
            { "match": { "style": "ST9", "cluster": "north" },
              "set": { "pass2": { "max_transfer_units": 6 }, "markdown_rate": 0.25, "pass3": { "enabled": false } } },
            { "match": {}, "set": { "cooldown_days": 3.0 } }
          ]
        }
        """;

    [Fact]
    public void ToCanonicalJson_Default_WritesEveryKeySortedWithDefaults()
    {
        Assert.Equal(DefaultCanonical, Policy.Default.ToCanonicalJson());
    }

    [Fact]
    public void ToCanonicalJson_Overrides_WritesMatchAndOnlyTheKeysSet()
    {
        var json = Valid(Full).ToCanonicalJson();

        Assert.Contains(
            Json("'overrides':[{'match':{'cluster':'north','style':'ST9'},'set':{'markdown_rate':0.25,'pass2':{'max_transfer_units':6},'pass3':{'enabled':false}}}," +
                "{'match':{},'set':{'cooldown_days':3}}],"),
            json,
            StringComparison.Ordinal);
        Assert.Contains(Json("'change_cap_units_per_sku':100,"), json, StringComparison.Ordinal);
        Assert.Contains(Json("'pass1':{'max_push_units':30,'min_push_units':3,'warehouse_reserve_units':0}"), json, StringComparison.Ordinal);
    }

    [Fact]
    public void ToCanonicalJson_ReorderedAndReformatted_IsIdentical()
    {
        const string reordered = """
            {"overrides":[{"set":{"pass3":{"enabled":false},"markdown_rate":2.5e-1,"pass2":{"max_transfer_units":6.0}},
            "match":{"cluster":"north","style":"ST9"}},{"set":{"cooldown_days":3},"match":{}}],
            "change_cap_units_per_sku":1e2,"pass1":{"min_push_units":3,"max_push_units":30.0},"horizon_weeks":6.50,
            "pass2":{},"freight":{"default_cost_per_unit":5}}
            """;

        Assert.Equal(Valid(Full).ToCanonicalJson(), Valid(reordered).ToCanonicalJson());
    }

    [Fact]
    public void ToCanonicalJson_DefaultsWrittenOut_EqualsEmptyPolicy()
    {
        var explicitDefaults = Valid(DefaultCanonical);

        Assert.Equal(DefaultCanonical, explicitDefaults.ToCanonicalJson());
        Assert.Equal(Policy.Default.Settings, explicitDefaults.Settings);
    }

    [Fact]
    public void ToCanonicalJson_IsAFixedPoint()
    {
        var once = Valid(Full).ToCanonicalJson();

        Assert.Equal(once, Valid(once).ToCanonicalJson());
    }

    [Fact]
    public void ToCanonicalJson_EmptyGroupInSet_IsOmitted()
    {
        var withEmpty = Valid("""{"overrides":[{"match":{"node_id":"S1"},"set":{"pass1":{}}}]}""");

        Assert.Contains(Json("'set':{}"), withEmpty.ToCanonicalJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToCanonicalJson_NegativeZero_IsZero()
    {
        Assert.Equal(Valid("""{"cooldown_days":0}""").ToCanonicalJson(), Valid("""{"cooldown_days":-0.0}""").ToCanonicalJson());
    }

    [Fact]
    public void ToCanonicalJson_MatchStrings_EscapeOnlyQuotesBackslashesAndControls()
    {
        var policy = Valid("""{"overrides":[{"match":{"category":"Wom\u00e9n's \"best\"\\\t<>&"},"set":{}}]}""");

        Assert.Contains("\"match\":{\"category\":\"Womén's \\\"best\\\"\\\\\\t<>&\"}", policy.ToCanonicalJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"horizon_weeks":8.000001}""")]
    [InlineData("""{"markdown_rate":0.51}""")]
    [InlineData("""{"min_viable_run":4}""")]
    [InlineData("""{"pass1":{"warehouse_reserve_units":1}}""")]
    [InlineData("""{"pass2":{"inter_cluster_min_uplift_ratio":1.25}}""")]
    [InlineData("""{"pass3":{"enabled":false}}""")]
    [InlineData("""{"freight":{"cost_per_unit_per_km":0.011}}""")]
    [InlineData("""{"change_cap_units_per_sku":0}""")]
    [InlineData("""{"approval":{"timeout_hours":71.5}}""")]
    [InlineData("""{"overrides":[{"match":{},"set":{}}]}""")]
    [InlineData("""{"overrides":[{"match":{"node_id":"S1"},"set":{}}]}""")]
    public void ToCanonicalJson_AnyValueDiffers_DiffersFromDefault(string json)
    {
        Assert.NotEqual(DefaultCanonical, Valid(json).ToCanonicalJson());
    }

    [Fact]
    public void ToCanonicalJson_OverrideOrderDiffers_Differs()
    {
        var a = Valid("""{"overrides":[{"match":{"node_id":"A"},"set":{}},{"match":{"node_id":"B"},"set":{}}]}""");
        var b = Valid("""{"overrides":[{"match":{"node_id":"B"},"set":{}},{"match":{"node_id":"A"},"set":{}}]}""");

        Assert.NotEqual(a.ToCanonicalJson(), b.ToCanonicalJson());
    }

    [Fact]
    public void ToCanonicalJson_OverrideValueDiffers_Differs()
    {
        var a = Valid("""{"overrides":[{"match":{"node_id":"A"},"set":{"cooldown_days":1}}]}""");
        var b = Valid("""{"overrides":[{"match":{"node_id":"A"},"set":{"cooldown_days":1.5}}]}""");
        var c = Valid("""{"overrides":[{"match":{"node_id":"A"},"set":{"horizon_weeks":1}}]}""");
        var d = Valid("""{"overrides":[{"match":{"node_id":"a"},"set":{"cooldown_days":1}}]}""");

        Assert.Equal(4, new[] { a, b, c, d }.Select(p => p.ToCanonicalJson()).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(1e21, "1E+21")]
    [InlineData(1e-7, "1E-07")]
    [InlineData(123456.789, "123456.789")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    public void ToCanonicalJson_Numbers_UseInvariantShortestRoundTrip(double value, string text)
    {
        var policy = new Policy(PolicySettings.Default with { ElevatedValue = value });

        Assert.Contains($"\"elevated_value\":{text},", policy.ToCanonicalJson(), StringComparison.Ordinal);
    }
}
