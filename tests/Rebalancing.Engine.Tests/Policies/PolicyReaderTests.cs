using System.Text;
using Rebalancing.Engine.Policies;
using static Rebalancing.Engine.Tests.Policies.PolicyTestHelpers;

namespace Rebalancing.Engine.Tests.Policies;

public class PolicyReaderTests
{
    [Fact]
    public void Read_EmptyObject_GivesEveryDefault()
    {
        var policy = Valid("{}");

        Assert.Equal(PolicySettings.Default, policy.Settings);
        Assert.Empty(policy.Overrides);
        var s = policy.Settings;
        Assert.Equal(8, s.HorizonWeeks);
        Assert.Equal(0.5, s.MarkdownRate);
        Assert.Equal(0.5, s.FragmentDemandFactor);
        Assert.Equal(3, s.MinViableRun);
        Assert.Equal(1, s.StoreProtectedUnits);
        Assert.Equal(2, s.MinPushUnits);
        Assert.Equal(48, s.MaxPushUnits);
        Assert.Equal(0, s.WarehouseReserveUnits);
        Assert.Equal(2, s.MinTransferUnits);
        Assert.Equal(24, s.MaxTransferUnits);
        Assert.Equal(1.5, s.InterClusterMinUpliftRatio);
        Assert.Equal(1000, s.MaxRouteUnits);
        Assert.True(s.Pass3Enabled);
        Assert.Equal(5, s.FreightDefaultCostPerUnit);
        Assert.Equal(0.01, s.FreightCostPerUnitPerKm);
        Assert.Equal(50, s.FreightDefaultCostPerShipment);
        Assert.Equal(14, s.CooldownDays);
        Assert.Null(s.ChangeCapUnitsPerSku);
        Assert.Equal(10000, s.ElevatedValue);
        Assert.Equal(0.5, s.ElevatedShareOfSource);
        Assert.Equal(72, s.ApprovalTimeoutHours);
    }

    [Fact]
    public void Read_EmptyObject_EqualsPolicyDefault()
    {
        Assert.Equal(Policy.Default.ToCanonicalJson(), Valid("{}").ToCanonicalJson());
        Assert.Equal(PolicySettings.Default, new PolicySettings());
    }

    [Fact]
    public void Read_EveryKey_ParsesItsValue()
    {
        var policy = Valid(Json("""
            {
              'horizon_weeks': 6.5, 'markdown_rate': 0.3, 'fragment_demand_factor': 0.25,
              'min_viable_run': 4, 'store_protected_units': 2,
              'pass1': { 'min_push_units': 3, 'max_push_units': 30, 'warehouse_reserve_units': 5 },
              'pass2': { 'min_transfer_units': 4, 'max_transfer_units': 12,
                         'inter_cluster_min_uplift_ratio': 2.25, 'max_route_units': 400 },
              'pass3': { 'enabled': false },
              'freight': { 'default_cost_per_unit': 4.5, 'cost_per_unit_per_km': 0.02,
                           'default_cost_per_shipment': 75 },
              'cooldown_days': 10.5, 'change_cap_units_per_sku': 100,
              'approval': { 'elevated_value': 2500, 'elevated_share_of_source': 0.75, 'timeout_hours': 24 },
              'overrides': []
            }
            """));

        var expected = new PolicySettings
        {
            HorizonWeeks = 6.5,
            MarkdownRate = 0.3,
            FragmentDemandFactor = 0.25,
            MinViableRun = 4,
            StoreProtectedUnits = 2,
            MinPushUnits = 3,
            MaxPushUnits = 30,
            WarehouseReserveUnits = 5,
            MinTransferUnits = 4,
            MaxTransferUnits = 12,
            InterClusterMinUpliftRatio = 2.25,
            MaxRouteUnits = 400,
            Pass3Enabled = false,
            FreightDefaultCostPerUnit = 4.5,
            FreightCostPerUnitPerKm = 0.02,
            FreightDefaultCostPerShipment = 75,
            CooldownDays = 10.5,
            ChangeCapUnitsPerSku = 100,
            ElevatedValue = 2500,
            ElevatedShareOfSource = 0.75,
            ApprovalTimeoutHours = 24,
        };
        Assert.Equal(expected, policy.Settings);
    }

    [Fact]
    public void Read_ChangeCapNull_MeansNoCap()
    {
        Assert.Null(Valid("""{"change_cap_units_per_sku": null}""").Settings.ChangeCapUnitsPerSku);
        Assert.Equal(0, Valid("""{"change_cap_units_per_sku": 0}""").Settings.ChangeCapUnitsPerSku);
    }

    [Theory]
    [InlineData("2.0", 2)]
    [InlineData("2", 2)]
    [InlineData("2e0", 2)]
    [InlineData("0.3e1", 3)]
    public void Read_IntegralNumberForIntegerKey_IsAccepted(string text, int expected)
    {
        Assert.Equal(expected, Valid($$"""{"min_viable_run": {{text}}}""").Settings.MinViableRun);
    }

    [Fact]
    public void Read_Bytes_WithByteOrderMark_IsAccepted()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("""{"horizon_weeks": 3}""")).ToArray();

        var result = PolicyReader.Read(bytes);

        Assert.True(result.IsSuccess);
        Assert.Equal(3, result.Policy.Settings.HorizonWeeks);
    }

    [Fact]
    public void Read_Stream_ReadsTheDocument()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("""{"pass3": {"enabled": false}}"""));

        var result = PolicyReader.Read(stream);

        Assert.True(result.IsSuccess);
        Assert.False(result.Policy.Settings.Pass3Enabled);
    }

    [Fact]
    public void Read_InvalidJson_ReportsRootWithLineAndPosition()
    {
        var problem = SingleProblem("{\n  \"horizon_weeks\": 8,\n  oops\n}");

        Assert.Equal("(root)", problem.Path);
        Assert.StartsWith("invalid JSON at line 3, byte 3 of the line:", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"a\": 1,}")]
    [InlineData("{} {}")]
    [InlineData("{} // comment")]
    [InlineData("{\"horizon_weeks\": NaN}")]
    public void Read_NonStrictJson_IsInvalidJson(string json)
    {
        var problem = SingleProblem(json);

        Assert.Equal("(root)", problem.Path);
        Assert.StartsWith("invalid JSON", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n ")]
    public void Read_EmptyDocument_IsAnError(string json)
    {
        var problem = SingleProblem(json);

        Assert.Equal("(root)", problem.Path);
        Assert.Contains("empty", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("null", "null")]
    [InlineData("[]", "an array")]
    [InlineData("3", "3")]
    [InlineData("\"x\"", "the string \"x\"")]
    public void Read_RootNotAnObject_IsAnError(string json, string got)
    {
        var problem = SingleProblem(json);

        Assert.Equal(new PolicyProblem("(root)", "must be a JSON object, got " + got), problem);
    }

    [Fact]
    public void Read_InvalidUtf8_IsAnError()
    {
        var result = PolicyReader.Read(new byte[] { (byte)'{', (byte)'"', 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}' });

        Assert.Equal("(root)", Assert.Single(result.Problems).Path);
    }

    [Fact]
    public void Read_UnknownTopLevelKey_ReportsItsPath()
    {
        var problem = SingleProblem("""{"horizon_week": 8}""");

        Assert.Equal("horizon_week", problem.Path);
        Assert.Equal("unknown key; did you mean \"horizon_weeks\"?", problem.Message);
    }

    [Fact]
    public void Read_UnknownNestedKey_ReportsItsPath()
    {
        var problem = SingleProblem("""{"pass1": {"min_push_unit": 3}}""");

        Assert.Equal("pass1.min_push_unit", problem.Path);
        Assert.StartsWith("unknown key", problem.Message, StringComparison.Ordinal);
        Assert.Contains("min_push_units", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pass1")]
    [InlineData("pass2")]
    [InlineData("pass3")]
    [InlineData("freight")]
    [InlineData("approval")]
    public void Read_UnknownKeyInEveryGroup_IsAnError(string group)
    {
        var problem = SingleProblem($$$"""{"{{{group}}}": {"zzz": 1}}""");

        Assert.Equal(new PolicyProblem(group + ".zzz", "unknown key"), problem);
    }

    [Theory]
    [InlineData("""{"min_push_units": 1}""", "min_push_units", "unknown key; did you mean \"pass1.min_push_units\" (inside \"pass1\")?")]
    [InlineData("""{"pass2": {"min_push_units": 1}}""", "pass2.min_push_units", "unknown key; did you mean \"pass1.min_push_units\" (inside \"pass1\")?")]
    [InlineData("""{"pass1": {"horizon_weeks": 1}}""", "pass1.horizon_weeks", "unknown key; \"horizon_weeks\" is a top-level key")]
    public void Read_KeyInTheWrongGroup_IsUnknownWithAHint(string json, string path, string message)
    {
        Assert.Equal(new PolicyProblem(path, message), SingleProblem(json));
    }

    [Fact]
    public void Read_KeyWithUnpairedSurrogateEscape_IsAnError()
    {
        var problem = SingleProblem("""{"pass1": {"\ud800": 1}}""");

        Assert.Equal("pass1", problem.Path);
        Assert.Contains("unpaired surrogate", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MatchValueWithUnpairedSurrogateEscape_IsAnError()
    {
        var problem = SingleProblem("""{"overrides": [{"match": {"style": "a\udc00"}, "set": {}}]}""");

        Assert.Equal("overrides[0].match.style", problem.Path);
    }

    [Fact]
    public void Read_DottedKeyAtTopLevel_IsUnknownWithAHint()
    {
        var problem = SingleProblem("""{"pass1.min_push_units": 3}""");

        Assert.Equal("pass1.min_push_units", problem.Path);
        Assert.Contains("nested objects", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_GroupNotAnObject_IsAnError()
    {
        var problem = SingleProblem("""{"pass1": 3}""");

        Assert.Equal(new PolicyProblem("pass1", "must be an object, got 3"), problem);
    }

    [Fact]
    public void Read_DuplicateKey_IsAnError()
    {
        var problem = SingleProblem("""{"horizon_weeks": 8, "horizon_weeks": 9}""");

        Assert.Equal("horizon_weeks", problem.Path);
        Assert.Contains("more than once", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"horizon_weeks": "8"}""", "horizon_weeks", "must be a number, got the string \"8\"")]
    [InlineData("""{"min_viable_run": true}""", "min_viable_run", "must be an integer, got true")]
    [InlineData("""{"pass3": {"enabled": 1}}""", "pass3.enabled", "must be true or false, got 1")]
    [InlineData("""{"pass3": {"enabled": "true"}}""", "pass3.enabled", "must be true or false, got the string \"true\"")]
    [InlineData("""{"markdown_rate": null}""", "markdown_rate", "must be a number, got null")]
    [InlineData("""{"cooldown_days": [1]}""", "cooldown_days", "must be a number, got an array")]
    [InlineData("""{"change_cap_units_per_sku": "none"}""", "change_cap_units_per_sku", "must be null or an integer, got the string \"none\"")]
    public void Read_WrongType_ReportsPathAndExpectedType(string json, string path, string message)
    {
        Assert.Equal(new PolicyProblem(path, message), SingleProblem(json));
    }

    [Theory]
    [InlineData("""{"min_viable_run": 2.5}""", "min_viable_run", "must be an integer, got 2.5")]
    [InlineData("""{"pass1": {"min_push_units": 1.5}}""", "pass1.min_push_units", "must be an integer, got 1.5")]
    [InlineData("""{"change_cap_units_per_sku": 10.1}""", "change_cap_units_per_sku", "must be null or an integer, got 10.1")]
    public void Read_FractionalInteger_IsAnError(string json, string path, string message)
    {
        Assert.Equal(new PolicyProblem(path, message), SingleProblem(json));
    }

    [Fact]
    public void Read_IntegerAboveInt32_IsAnError()
    {
        var problem = SingleProblem("""{"pass2": {"max_route_units": 3000000000}}""");

        Assert.Equal(new PolicyProblem("pass2.max_route_units", "must be at most 2147483647, got 3000000000"), problem);
    }

    [Fact]
    public void Read_NumberTooLargeForADouble_IsAnError()
    {
        var problem = SingleProblem("""{"horizon_weeks": 1e400}""");

        Assert.Equal("horizon_weeks", problem.Path);
        Assert.StartsWith("must be a finite number", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("horizon_weeks", "-1", "must be at least 0, got -1")]
    [InlineData("store_protected_units", "-1", "must be at least 0, got -1")]
    [InlineData("cooldown_days", "-0.5", "must be at least 0, got -0.5")]
    [InlineData("change_cap_units_per_sku", "-3", "must be at least 0, got -3")]
    public void Read_NegativeTopLevelValue_IsAnError(string key, string value, string message)
    {
        Assert.Equal(new PolicyProblem(key, message), SingleProblem($$"""{"{{key}}": {{value}}}"""));
    }

    [Theory]
    [InlineData("pass1", "min_push_units")]
    [InlineData("pass1", "warehouse_reserve_units")]
    [InlineData("pass2", "min_transfer_units")]
    [InlineData("pass2", "inter_cluster_min_uplift_ratio")]
    [InlineData("freight", "default_cost_per_unit")]
    [InlineData("freight", "cost_per_unit_per_km")]
    [InlineData("freight", "default_cost_per_shipment")]
    [InlineData("approval", "elevated_value")]
    public void Read_NegativeNestedValue_IsAnError(string group, string key)
    {
        var problem = SingleProblem($$$"""{"{{{group}}}": {"{{{key}}}": -1}}""");

        Assert.Equal(new PolicyProblem($"{group}.{key}", "must be at least 0, got -1"), problem);
    }

    [Theory]
    [InlineData("""{"markdown_rate": 1.5}""", "markdown_rate", "must be between 0 and 1, got 1.5")]
    [InlineData("""{"markdown_rate": -0.1}""", "markdown_rate", "must be between 0 and 1, got -0.1")]
    [InlineData("""{"fragment_demand_factor": 2}""", "fragment_demand_factor", "must be between 0 and 1, got 2")]
    [InlineData("""{"approval": {"elevated_share_of_source": -0.1}}""", "approval.elevated_share_of_source", "must be between 0 and 1, got -0.1")]
    [InlineData("""{"approval": {"elevated_share_of_source": 1.01}}""", "approval.elevated_share_of_source", "must be between 0 and 1, got 1.01")]
    [InlineData("""{"approval": {"timeout_hours": -1}}""", "approval.timeout_hours", "must be at least 0, got -1")]
    [InlineData("""{"min_viable_run": 0}""", "min_viable_run", "must be at least 1, got 0")]
    [InlineData("""{"pass2": {"max_route_units": -1}}""", "pass2.max_route_units", "must be at least 0, got -1")]
    public void Read_ValueOutOfRange_IsAnError(string json, string path, string message)
    {
        Assert.Equal(new PolicyProblem(path, message), SingleProblem(json));
    }

    [Theory]
    [InlineData("""{"markdown_rate": 0, "fragment_demand_factor": 1}""")]
    [InlineData("""{"approval": {"elevated_share_of_source": 1}}""")]
    [InlineData("""{"approval": {"elevated_share_of_source": 0, "timeout_hours": 0}}""")]
    [InlineData("""{"pass2": {"max_route_units": 0}}""")]
    [InlineData("""{"horizon_weeks": 0, "cooldown_days": 0}""")]
    [InlineData("""{"pass1": {"min_push_units": 0, "max_push_units": 0}}""")]
    [InlineData("""{"pass2": {"min_transfer_units": 5, "max_transfer_units": 5}}""")]
    public void Read_ValueOnTheEdgeOfItsRange_IsAccepted(string json)
    {
        Valid(json);
    }

    [Fact]
    public void Read_MinAboveMaxAtOrgLevel_NamesTheMinimum()
    {
        var problem = SingleProblem("""{"pass1": {"min_push_units": 10, "max_push_units": 5}}""");

        Assert.Equal(new PolicyProblem("pass1.min_push_units", "min_push_units (10) must not be above max_push_units (5)"), problem);
    }

    [Fact]
    public void Read_MaxBelowDefaultMin_NamesTheMaximumWritten()
    {
        var problem = SingleProblem("""{"pass2": {"max_transfer_units": 1}}""");

        Assert.Equal(new PolicyProblem("pass2.max_transfer_units", "min_transfer_units (2) must not be above max_transfer_units (1)"), problem);
    }

    [Fact]
    public void Read_MinAboveMaxCreatedByAnOverride_NamesTheOverridePath()
    {
        var problems = Problems(Json("""
            {
              'pass1': { 'max_push_units': 10 },
              'overrides': [
                { 'match': { 'cluster': 'north' }, 'set': { 'pass1': { 'max_push_units': 8 } } },
                { 'match': { 'cluster': 'south' }, 'set': { 'pass1': { 'min_push_units': 11 } } }
              ]
            }
            """));

        var problem = Assert.Single(problems);
        Assert.Equal(new PolicyProblem("overrides[1].set.pass1.min_push_units", "min_push_units (11) must not be above max_push_units (10)"), problem);
    }

    [Fact]
    public void Read_OverrideMaxBelowOrgMin_NamesTheOverridesMaximum()
    {
        var problem = SingleProblem(Json("""
            { 'pass2': { 'min_transfer_units': 6 },
              'overrides': [ { 'match': {}, 'set': { 'pass2': { 'max_transfer_units': 5 } } } ] }
            """));

        Assert.Equal("overrides[0].set.pass2.max_transfer_units", problem.Path);
    }

    [Fact]
    public void Read_OrgMinAboveMax_IsReportedOnceNotForEveryOverride()
    {
        var problem = SingleProblem(Json("""
            { 'pass1': { 'min_push_units': 60 },
              'overrides': [ { 'match': {}, 'set': { 'horizon_weeks': 4 } } ] }
            """));

        Assert.Equal("pass1.min_push_units", problem.Path);
    }

    [Fact]
    public void Read_OverridesNestedInSet_IsAnError()
    {
        var problem = SingleProblem(Json("""
            { 'overrides': [ { 'match': {}, 'set': { 'overrides': [] } } ] }
            """));

        Assert.Equal(new PolicyProblem("overrides[0].set.overrides", "overrides cannot be nested in an override's set"), problem);
    }

    [Fact]
    public void Read_UnknownOverrideKey_ReportsItsPath()
    {
        var problems = Problems(Json("""
            { 'overrides': [ { 'match': {}, 'set': {}, 'sett': {} } ] }
            """));

        Assert.Equal("overrides[0].sett", Assert.Single(problems).Path);
    }

    [Fact]
    public void Read_UnknownKeyInOverrideSet_ReportsItsPath()
    {
        var problem = SingleProblem(Json("""
            { 'overrides': [ { 'match': {}, 'set': {} }, { 'match': {}, 'set': { 'pass2': { 'max_transfer_unit': 3 } } } ] }
            """));

        Assert.Equal("overrides[1].set.pass2.max_transfer_unit", problem.Path);
    }

    [Fact]
    public void Read_BadValueInOverrideSet_ReportsItsPath()
    {
        var problem = SingleProblem(Json("""
            { 'overrides': [ { 'match': { 'style': 'S1' }, 'set': { 'pass2': { 'max_transfer_units': -3 } } } ] }
            """));

        Assert.Equal(new PolicyProblem("overrides[0].set.pass2.max_transfer_units", "must be at least 0, got -3"), problem);
    }

    [Fact]
    public void Read_UnknownMatchField_IsAnError()
    {
        var problem = SingleProblem(Json("""
            { 'overrides': [ { 'match': { 'clustr': 'north' }, 'set': {} } ] }
            """));

        Assert.Equal(new PolicyProblem("overrides[0].match.clustr", "unknown match field; did you mean \"cluster\"?"), problem);
    }

    [Theory]
    [InlineData("3", "must be a string, got 3")]
    [InlineData("null", "must be a string, got null")]
    [InlineData("[\"a\"]", "must be a string, got an array")]
    [InlineData("\"\"", "must not be empty")]
    public void Read_MatchValueNotANonEmptyString_IsAnError(string value, string message)
    {
        var problem = SingleProblem($$$"""{"overrides": [{"match": {"node_id": {{{value}}}}, "set": {}}]}""");

        Assert.Equal(new PolicyProblem("overrides[0].match.node_id", message), problem);
    }

    [Theory]
    [InlineData("""{"overrides": {}}""", "overrides", "must be an array, got an object")]
    [InlineData("""{"overrides": [3]}""", "overrides[0]", "must be an object with \"match\" and \"set\", got 3")]
    [InlineData("""{"overrides": [{"match": [], "set": {}}]}""", "overrides[0].match", "must be an object, got an array")]
    [InlineData("""{"overrides": [{"match": {}, "set": 1}]}""", "overrides[0].set", "must be an object, got 1")]
    [InlineData("""{"overrides": [{"match": {}}]}""", "overrides[0]", "missing \"set\"")]
    public void Read_MalformedOverride_IsAnError(string json, string path, string message)
    {
        Assert.Equal(new PolicyProblem(path, message), SingleProblem(json));
    }

    [Fact]
    public void Read_OverrideWithoutMatch_IsAnError()
    {
        var problem = SingleProblem("""{"overrides": [{"set": {"horizon_weeks": 2}}]}""");

        Assert.Equal("overrides[0]", problem.Path);
        Assert.StartsWith("missing \"match\"", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MoreThan64Overrides_IsAnError()
    {
        var entries = string.Join(",", Enumerable.Range(0, 65).Select(i => $$$"""{"match": {"node_id": "N{{{i}}}"}, "set": {}}"""));

        var problem = SingleProblem($$"""{"overrides": [{{entries}}]}""");

        Assert.Equal(new PolicyProblem("overrides", "at most 64 overrides are supported, got 65"), problem);
    }

    [Fact]
    public void Read_Exactly64Overrides_IsAccepted()
    {
        var entries = string.Join(",", Enumerable.Range(0, 64).Select(i => $$$"""{"match": {"node_id": "N{{{i}}}"}, "set": {"horizon_weeks": {{{i}}}}}"""));

        var policy = Valid($$"""{"overrides": [{{entries}}]}""");

        Assert.Equal(63, policy.Resolve(null, "N63", null, "S").HorizonWeeks);
        Assert.Equal(1UL << 63, policy.NodeMask(null, "N63"));
    }

    [Fact]
    public void Read_ManyProblems_ReportsThemAllInDocumentOrder()
    {
        var problems = Problems(Json("""
            {
              'horizon_weeks': -1,
              'typo': 1,
              'pass1': { 'min_push_units': 'two', 'bogus': true },
              'pass2': { 'min_transfer_units': 9, 'max_transfer_units': 3 },
              'approval': { 'timeout_hours': -1 },
              'overrides': [
                { 'match': { 'colour': 'red' }, 'set': { 'overrides': [] } },
                { 'match': { 'cluster': 'north' }, 'set': { 'markdown_rate': 2 } }
              ]
            }
            """));

        Assert.Equal(
            [
                "horizon_weeks",
                "typo",
                "pass1.min_push_units",
                "pass1.bogus",
                "approval.timeout_hours",
                "overrides[0].match.colour",
                "overrides[0].set.overrides",
                "overrides[1].set.markdown_rate",
                "pass2.min_transfer_units",
            ],
            problems.Select(p => p.Path));
    }

    [Fact]
    public void Read_OverridesBeforeOrgKeys_ReportsInDocumentOrder()
    {
        var problems = Problems("""{"overrides": [{"match": {}, "set": {"typo": 1}}], "typo": 2}""");

        Assert.Equal(["overrides[0].set.typo", "typo"], problems.Select(p => p.Path));
    }

    [Fact]
    public void Read_InvalidValue_DoesNotAlsoReportMinAboveMax()
    {
        var problem = SingleProblem("""{"pass1": {"min_push_units": "x", "max_push_units": 1}}""");

        Assert.Equal("pass1.min_push_units", problem.Path);
    }

    [Fact]
    public void PolicyProblem_ToString_IsTheCommandLineFormat()
    {
        Assert.Equal(
            "policy: pass1.min_push_units: must be at least 0, got -1",
            new PolicyProblem("pass1.min_push_units", "must be at least 0, got -1").ToString());
    }
}
