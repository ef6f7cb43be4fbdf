using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Rebalancing.Engine.Policies;
using static Rebalancing.Engine.Tests.Policies.PolicyTestHelpers;

namespace Rebalancing.Engine.Tests.Policies;

/// <summary>Invariants over thousands of generated valid policies.</summary>
public class PolicyPropertyTests
{
    private static readonly Config Thorough = Config.QuickThrowOnFailure.WithMaxTest(1000);

    private static readonly string?[] Clusters = ["c1", "c2", null];
    private static readonly string[] Nodes = ["n1", "n2", "n3"];
    private static readonly string?[] Categories = ["k1", "k2", null];
    private static readonly string[] Styles = ["s1", "s2"];

    [Fact]
    public void ToCanonicalJson_AnyKeyOrderWhitespaceAndNumberSpelling_IsTheSame()
    {
        Prop.ForAll(Arb.From(PolicyModels), model =>
        {
            var a = Valid(model.Document.ToJson(new Random(model.Seed)));
            var b = Valid(model.Document.ToJson(new Random(model.Seed + 1)));

            return a.ToCanonicalJson() == b.ToCanonicalJson();
        }).Check(Thorough);
    }

    [Fact]
    public void ToCanonicalJson_ReadBack_IsAFixedPointWithEqualSettings()
    {
        Prop.ForAll(Arb.From(PolicyModels), model =>
        {
            var policy = Valid(model.Document.ToJson(new Random(model.Seed)));
            var canonical = policy.ToCanonicalJson();
            var again = Valid(canonical);

            return again.ToCanonicalJson() == canonical
                && again.Settings == policy.Settings
                && again.Overrides.Length == policy.Overrides.Length;
        }).Check(Thorough);
    }

    [Fact]
    public void ReadSettings_EqualsTheValuesWritten()
    {
        Prop.ForAll(Arb.From(PolicyModels), model =>
        {
            var policy = Valid(model.Document.ToJson(new Random(model.Seed)));

            return model.Document.Values.All(entry => PolicyKeys.ByPath[entry.Key].Get(policy.Settings) == entry.Value);
        }).Check(Thorough);
    }

    [Fact]
    public void ResolveMask_EqualsApplyingEveryMatchingOverrideInOrder()
    {
        Prop.ForAll(Arb.From(PolicyModels), model =>
        {
            var policy = Valid(model.Document.ToJson(new Random(model.Seed)));
            foreach (var cluster in Clusters)
            {
                foreach (var node in Nodes)
                {
                    var nodeMask = policy.NodeMask(cluster, node);
                    foreach (var category in Categories)
                    {
                        foreach (var style in Styles)
                        {
                            var expected = policy.Settings;
                            foreach (var entry in policy.Overrides.Where(o => o.Match.Matches(cluster, node, category, style)))
                            {
                                expected = entry.ApplyTo(expected);
                            }

                            var byMask = policy.ResolveMask(nodeMask & policy.ProductMask(category, style));
                            if (byMask != expected || !ReferenceEquals(byMask, policy.Resolve(cluster, node, category, style)))
                            {
                                return false;
                            }
                        }
                    }
                }
            }

            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    private static Gen<PolicyModel> PolicyModels =>
        from org in Settings(isOrgLevel: true)
        from overrides in Gen.ListOf(Override).Select(list => list.Take(6).ToList())
        from seed in Gen.Choose(0, int.MaxValue - 1)
        select new PolicyModel(new Document(org, overrides), seed);

    private static Gen<OverrideModel> Override =>
        from cluster in Gen.Elements(Clusters)
        from node in Gen.Elements<string?>("n1", "n2", null, null)
        from category in Gen.Elements(Categories)
        from style in Gen.Elements<string?>("s1", null, null)
        from set in Settings(isOrgLevel: false)
        select new OverrideModel(new PolicyMatch(cluster, node, category, style), set);

    /// <summary>
    /// A subset of the keys with values in range. A min/max pair is never left with min above
    /// max: the org level may set either or both, an override sets both or neither.
    /// </summary>
    private static Gen<Dictionary<string, PolicyValue>> Settings(bool isOrgLevel)
    {
        var pairKeys = PolicyKeys.MinMaxPairs.SelectMany(p => new[] { p.Min, p.Max }).ToHashSet();
        var keys = PolicyKeys.All.Where(k => !pairKeys.Contains(k)).ToArray();
        return from chosen in Gen.SubListOf(keys)
               from values in Gen.CollectToList(chosen, Value)
               from pairs in Gen.CollectToList(PolicyKeys.MinMaxPairs, pair => MinMax(pair.Min, pair.Max, isOrgLevel))
               select chosen.Select(k => k.Path).Zip(values, KeyValuePair.Create)
                   .Concat(pairs.SelectMany(p => p))
                   .ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    private static Gen<List<KeyValuePair<string, PolicyValue>>> MinMax(PolicyKey min, PolicyKey max, bool isOrgLevel)
    {
        var defaultMin = (int)min.Get(PolicySettings.Default).Number;
        var defaultMax = (int)max.Get(PolicySettings.Default).Number;
        var none = Gen.Constant(new List<KeyValuePair<string, PolicyValue>>());
        var both =
            from low in Gen.Choose(0, 60)
            from high in Gen.Choose(low, 120)
            select new List<KeyValuePair<string, PolicyValue>> { new(min.Path, PolicyValue.FromNumber(low)), new(max.Path, PolicyValue.FromNumber(high)) };
        if (!isOrgLevel)
        {
            return Gen.OneOf(none, both);
        }

        var minOnly = Gen.Choose(0, defaultMax).Select(low => new List<KeyValuePair<string, PolicyValue>> { new(min.Path, PolicyValue.FromNumber(low)) });
        var maxOnly = Gen.Choose(defaultMin, 120).Select(high => new List<KeyValuePair<string, PolicyValue>> { new(max.Path, PolicyValue.FromNumber(high)) });
        return Gen.OneOf(none, both, minOnly, maxOnly);
    }

    private static Gen<PolicyValue> Value(PolicyKey key)
    {
        var range = key.Range;
        switch (key.Kind)
        {
            case PolicyKeyKind.Boolean:
                return Gen.Elements(true, false).Select(PolicyValue.FromBoolean);
            case PolicyKeyKind.NullableInteger:
                return Gen.Frequency((1, Gen.Constant(PolicyValue.Null)), (3, Integer((int)range.Minimum)));
            case PolicyKeyKind.Integer:
                return Integer((int)range.Minimum);
            default:
                var lowest = range.MinimumExclusive ? 1 : 0;
                var numbers = double.IsPositiveInfinity(range.Maximum)
                    ? Gen.OneOf(
                        Gen.Choose(lowest, 1_000_000).Select(i => i / 1000.0),
                        Gen.Choose(lowest, 1_000_000).Select(i => i / 7.0))
                    : Gen.Choose(lowest, 1000).Select(i => i / 1000.0);
                return numbers.Select(PolicyValue.FromNumber);
        }
    }

    private static Gen<PolicyValue> Integer(int minimum) =>
        Gen.Frequency((9, Gen.Choose(minimum, 500)), (1, Gen.Choose(minimum, int.MaxValue)))
            .Select(i => PolicyValue.FromNumber(i));

    internal sealed record PolicyModel(Document Document, int Seed)
    {
        public override string ToString() => Document.ToJson(new Random(Seed));
    }

    internal sealed record OverrideModel(PolicyMatch Match, Dictionary<string, PolicyValue> Set);

    /// <summary>A policy document that can be written with any key order, whitespace and number spelling.</summary>
    internal sealed record Document(Dictionary<string, PolicyValue> Values, List<OverrideModel> Overrides)
    {
        public string ToJson(Random random)
        {
            var builder = new StringBuilder();
            var members = Members(Values, random);
            if (Overrides.Count > 0 || random.Next(2) == 0)
            {
                members.Add(("overrides", WriteOverrides(random)));
            }

            WriteObject(builder, members, random);
            return builder.ToString();
        }

        private string WriteOverrides(Random random)
        {
            var items = Overrides.Select(o =>
            {
                var match = new List<(string, string)>();
                void Field(string name, string? value)
                {
                    if (value is not null)
                    {
                        match.Add((name, "\"" + value + "\""));
                    }
                }

                Field("cluster", o.Match.Cluster);
                Field("node_id", o.Match.NodeId);
                Field("category", o.Match.Category);
                Field("style", o.Match.Style);
                var matchText = new StringBuilder();
                WriteObject(matchText, Shuffle(match, random), random);
                var setText = new StringBuilder();
                WriteObject(setText, Members(o.Set, random), random);
                var entry = new StringBuilder();
                WriteObject(entry, Shuffle([("match", matchText.ToString()), ("set", setText.ToString())], random), random);
                return entry.ToString();
            });
            return "[" + string.Join("," + Space(random), items) + "]";
        }

        /// <summary>Top-level members, grouped keys nested, each object's members shuffled.</summary>
        private static List<(string Name, string Json)> Members(Dictionary<string, PolicyValue> values, Random random)
        {
            var members = new List<(string, string)>();
            foreach (var group in values.GroupBy(kv => PolicyKeys.ByPath[kv.Key].Group))
            {
                var inner = group.Select(kv => (PolicyKeys.ByPath[kv.Key].Name, Spell(kv.Value, random))).ToList();
                if (group.Key is null)
                {
                    members.AddRange(inner);
                }
                else
                {
                    var text = new StringBuilder();
                    WriteObject(text, Shuffle(inner, random), random);
                    members.Add((group.Key, text.ToString()));
                }
            }

            // An empty group means nothing; sometimes write one.
            if (random.Next(4) == 0 && !values.Keys.Any(k => k.StartsWith("freight.", StringComparison.Ordinal)))
            {
                members.Add(("freight", "{}"));
            }

            return Shuffle(members, random);
        }

        private static void WriteObject(StringBuilder builder, List<(string Name, string Json)> members, Random random)
        {
            builder.Append('{').Append(Space(random));
            for (var i = 0; i < members.Count; i++)
            {
                if (i > 0)
                {
                    builder.Append(',').Append(Space(random));
                }

                builder.Append('"').Append(members[i].Name).Append('"').Append(Space(random)).Append(':').Append(Space(random)).Append(members[i].Json);
            }

            builder.Append(Space(random)).Append('}');
        }

        private static string Spell(PolicyValue value, Random random)
        {
            if (!value.IsNumber)
            {
                return value.ToString();
            }

            var number = value.Number;
            return random.Next(4) switch
            {
                0 when Math.Floor(number) == number => number.ToString("R", CultureInfo.InvariantCulture) + ".0",
                1 when Math.Floor(number) == number => number.ToString("R", CultureInfo.InvariantCulture) + "e0",
                2 => number.ToString("E16", CultureInfo.InvariantCulture),
                _ => number.ToString("R", CultureInfo.InvariantCulture),
            };
        }

        private static string Space(Random random) => random.Next(3) switch
        {
            0 => string.Empty,
            1 => " ",
            _ => "\n  ",
        };

        private static List<T> Shuffle<T>(List<T> items, Random random)
        {
            var copy = items.ToList();
            for (var i = copy.Count - 1; i > 0; i--)
            {
                var j = random.Next(i + 1);
                (copy[i], copy[j]) = (copy[j], copy[i]);
            }

            return copy;
        }
    }
}
