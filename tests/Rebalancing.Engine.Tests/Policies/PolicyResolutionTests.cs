using Rebalancing.Engine.Policies;
using static Rebalancing.Engine.Tests.Policies.PolicyTestHelpers;

namespace Rebalancing.Engine.Tests.Policies;

public class PolicyResolutionTests
{
    private static readonly Policy Layered = Valid(Json("""
        {
          'horizon_weeks': 8,
          'overrides': [
            { 'match': { 'cluster': 'north' },                     'set': { 'horizon_weeks': 6, 'cooldown_days': 7 } },
            { 'match': { 'node_id': 'S1' },                        'set': { 'horizon_weeks': 5 } },
            { 'match': { 'category': 'shoes' },                    'set': { 'markdown_rate': 0.2 } },
            { 'match': { 'style': 'ST9' },                         'set': { 'markdown_rate': 0.1, 'pass3': { 'enabled': false } } },
            { 'match': { 'cluster': 'north', 'category': 'shoes' }, 'set': { 'pass2': { 'max_transfer_units': 6 } } }
          ]
        }
        """));

    [Fact]
    public void Resolve_NoMatchingOverride_GivesOrgSettings()
    {
        Assert.Same(Layered.Settings, Layered.Resolve("south", "S9", "hats", "ST1"));
    }

    [Fact]
    public void Resolve_MatchOnCluster_AppliesOverride()
    {
        var settings = Layered.Resolve("north", "S2", "hats", "ST1");

        Assert.Equal(Layered.Settings with { HorizonWeeks = 6, CooldownDays = 7 }, settings);
    }

    [Fact]
    public void Resolve_MatchOnNodeId_AppliesOverride()
    {
        Assert.Equal(Layered.Settings with { HorizonWeeks = 5 }, Layered.Resolve("south", "S1", "hats", "ST1"));
    }

    [Fact]
    public void Resolve_MatchOnCategory_AppliesOverride()
    {
        Assert.Equal(Layered.Settings with { MarkdownRate = 0.2 }, Layered.Resolve("south", "S9", "shoes", "ST1"));
    }

    [Fact]
    public void Resolve_MatchOnStyle_AppliesOverride()
    {
        Assert.Equal(Layered.Settings with { MarkdownRate = 0.1, Pass3Enabled = false }, Layered.Resolve("south", "S9", "hats", "ST9"));
    }

    [Fact]
    public void Resolve_MatchOnClusterAndCategory_NeedsBoth()
    {
        Assert.Equal(6, Layered.Resolve("north", "S2", "shoes", "ST1").MaxTransferUnits);
        Assert.Equal(24, Layered.Resolve("north", "S2", "hats", "ST1").MaxTransferUnits);
        Assert.Equal(24, Layered.Resolve("south", "S2", "shoes", "ST1").MaxTransferUnits);
    }

    [Fact]
    public void Resolve_SeveralMatches_LaterOverrideWins()
    {
        var settings = Layered.Resolve("north", "S1", "shoes", "ST9");

        Assert.Equal(5, settings.HorizonWeeks);          // node_id (1) after cluster (0)
        Assert.Equal(7, settings.CooldownDays);          // only cluster (0) sets it
        Assert.Equal(0.1, settings.MarkdownRate);        // style (3) after category (2)
        Assert.False(settings.Pass3Enabled);
        Assert.Equal(6, settings.MaxTransferUnits);
    }

    [Fact]
    public void Resolve_EarlierOverrideListedLast_Wins()
    {
        var policy = Valid(Json("""
            { 'overrides': [
                { 'match': { 'node_id': 'S1' }, 'set': { 'horizon_weeks': 5 } },
                { 'match': { 'cluster': 'north' }, 'set': { 'horizon_weeks': 6 } } ] }
            """));

        Assert.Equal(6, policy.Resolve("north", "S1", "c", "s").HorizonWeeks);
    }

    [Fact]
    public void Resolve_MatchIsOrdinalAndCaseSensitive()
    {
        Assert.Equal(8, Layered.Resolve("North", "S2", "hats", "ST1").HorizonWeeks);
        Assert.Equal(8, Layered.Resolve("north ", "S2", "hats", "ST1").HorizonWeeks);
        Assert.Equal(8, Layered.Resolve("south", "s1", "hats", "ST1").HorizonWeeks);
    }

    [Fact]
    public void Resolve_NodeWithoutCluster_DoesNotMatchAClusterOverride()
    {
        Assert.Same(Layered.Settings, Layered.Resolve(null, "S2", null, "ST1"));
    }

    [Fact]
    public void Resolve_EmptyMatch_AppliesEverywhere()
    {
        var policy = Valid("""{"overrides": [{"match": {}, "set": {"min_viable_run": 2}}]}""");

        Assert.Equal(2, policy.Resolve(null, "any", null, "any").MinViableRun);
        Assert.Equal(2, policy.Resolve("c", "n", "k", "s").MinViableRun);
        Assert.Equal(3, policy.Settings.MinViableRun);
    }

    [Fact]
    public void Resolve_OverrideChangesOnlyTheKeysItSets()
    {
        var policy = Valid(Json("""
            { 'pass1': { 'min_push_units': 4, 'max_push_units': 40 },
              'overrides': [ { 'match': { 'node_id': 'S1' }, 'set': { 'pass1': { 'max_push_units': 20 } } } ] }
            """));

        var settings = policy.Resolve(null, "S1", null, "ST");

        Assert.Equal(4, settings.MinPushUnits);
        Assert.Equal(20, settings.MaxPushUnits);
    }

    [Fact]
    public void Resolve_ChangeCapOverriddenWithNull_RemovesTheCap()
    {
        var policy = Valid(Json("""
            { 'change_cap_units_per_sku': 50,
              'overrides': [ { 'match': { 'style': 'X' }, 'set': { 'change_cap_units_per_sku': null } } ] }
            """));

        Assert.Equal(50, policy.Resolve(null, "S1", null, "Y").ChangeCapUnitsPerSku);
        Assert.Null(policy.Resolve(null, "S1", null, "X").ChangeCapUnitsPerSku);
    }

    [Fact]
    public void Resolve_SameCombination_ReturnsTheSameInstance()
    {
        var first = Layered.Resolve("north", "S2", "shoes", "ST1");
        var second = Layered.Resolve("north", "S3", "shoes", "ST2");

        Assert.Same(first, second);
    }

    [Fact]
    public void NodeMaskAndProductMask_HaveOneBitPerMatchingOverride()
    {
        Assert.Equal(0b11101UL, Layered.NodeMask("north", "S2")); // 0 cluster, 2 and 3 product-only, 4 cluster part
        Assert.Equal(0b01110UL, Layered.NodeMask("south", "S1"));  // 1 node, 2 and 3 product-only
        Assert.Equal(0b10111UL, Layered.ProductMask("shoes", "ST1")); // 0 and 1 node-only, 2 category, 4 category part
        Assert.Equal(0b01011UL, Layered.ProductMask("hats", "ST9"));
    }

    [Fact]
    public void ResolveMask_EqualsResolve_ForEveryCombination()
    {
        string?[] clusters = ["north", "south", null];
        string[] nodes = ["S1", "S2"];
        string?[] categories = ["shoes", "hats", null];
        string[] styles = ["ST9", "ST1"];
        foreach (var cluster in clusters)
        {
            foreach (var node in nodes)
            {
                foreach (var category in categories)
                {
                    foreach (var style in styles)
                    {
                        var byMask = Layered.ResolveMask(Layered.NodeMask(cluster, node) & Layered.ProductMask(category, style));
                        var slow = ApplyInOrder(Layered, cluster, node, category, style);

                        Assert.Same(Layered.Resolve(cluster, node, category, style), byMask);
                        Assert.Equal(slow, byMask);
                    }
                }
            }
        }
    }

    [Fact]
    public void ResolveMask_Zero_IsTheOrgSettings()
    {
        Assert.Same(Layered.Settings, Layered.ResolveMask(0));
    }

    [Fact]
    public void ResolveMask_BitBeyondTheOverrides_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Layered.ResolveMask(1UL << 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Policy.Default.ResolveMask(1));
    }

    [Fact]
    public void ResolveMask_CalledFromManyThreads_SharesOneInstancePerMask()
    {
        var results = new PolicySettings[64];
        Parallel.For(0, results.Length, i => results[i] = Layered.ResolveMask((ulong)(i % 32)));

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Same(results[i % 32], results[i]);
            Assert.Equal(Layered.ResolveMask((ulong)(i % 32)), results[i]);
        }
    }

    [Fact]
    public void PolicyOverride_ExposesMatchAndSetByDottedKey()
    {
        var entry = Layered.Overrides[3];

        Assert.Equal(new PolicyMatch(Style: "ST9"), entry.Match);
        Assert.Equal(["markdown_rate", "pass3.enabled"], entry.Set.Keys);
        Assert.Equal(PolicyValue.FromNumber(0.1), entry.Set["markdown_rate"]);
        Assert.Equal(PolicyValue.FromBoolean(false), entry.Set["pass3.enabled"]);
    }

    [Fact]
    public void Policy_FromSettings_RejectsOutOfRangeValues()
    {
        var exception = Assert.Throws<ArgumentException>(() => new Policy(PolicySettings.Default with { MarkdownRate = 2, MinPushUnits = 100 }));

        Assert.Contains("markdown_rate: must be between 0 and 1, got 2", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Policy_FromSettings_RejectsNonFiniteNumbers(double value)
    {
        var exception = Assert.Throws<ArgumentException>(() => new Policy(PolicySettings.Default with { CooldownDays = value }));

        Assert.Contains("cooldown_days: must be a finite number", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_FromSettings_RejectsMinAboveMax()
    {
        var exception = Assert.Throws<ArgumentException>(() => new Policy(PolicySettings.Default with { MinTransferUnits = 30 }));

        Assert.Contains("pass2.min_transfer_units", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_FromValidSettings_HasNoOverrides()
    {
        var policy = new Policy(PolicySettings.Default with { HorizonWeeks = 4 });

        Assert.Empty(policy.Overrides);
        Assert.Equal(4, policy.Resolve("c", "n", "k", "s").HorizonWeeks);
    }

    private static PolicySettings ApplyInOrder(Policy policy, string? cluster, string node, string? category, string style)
    {
        var settings = policy.Settings;
        foreach (var entry in policy.Overrides)
        {
            if (entry.Match.Matches(cluster, node, category, style))
            {
                settings = entry.ApplyTo(settings);
            }
        }

        return settings;
    }
}
