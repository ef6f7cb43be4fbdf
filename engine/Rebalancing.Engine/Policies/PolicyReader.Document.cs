using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace Rebalancing.Engine.Policies;

/// <summary>The walk over a parsed policy document.</summary>
public static partial class PolicyReader
{
    /// <summary>Reads one document, collecting problems in document order, then the cross-key checks.</summary>
    private sealed class DocumentReader
    {
        private readonly List<PolicyProblem> problems = [];

        public PolicyLoadResult Read(JsonElement root)
        {
            var org = new SettingsRead(string.Empty);
            ReadSettings(root, org, isOverrideSet: false);
            var orgSettings = org.ApplyTo(PolicySettings.Default);

            var overrides = new List<(SettingsRead Set, PolicyMatch? Match)>();
            if (org.OverridesElement is { } overridesElement)
            {
                ReadOverrides(overridesElement, overrides);
            }

            CheckMinAboveMax(org, orgSettings, org);
            foreach (var (set, _) in overrides)
            {
                CheckMinAboveMax(set, set.ApplyTo(orgSettings), org);
            }

            if (problems.Count > 0)
            {
                return PolicyLoadResult.Failure(problems);
            }

            ImmutableArray<PolicyOverride> list = [.. overrides.Select(o => new PolicyOverride(o.Match!, o.Set.Values))];
            return PolicyLoadResult.Success(new Policy(orgSettings, list));
        }

        private void Add(string path, string message) => problems.Add(new PolicyProblem(path, message));

        /// <summary>Reads the keys of the org level or of an override's <c>set</c>.</summary>
        private void ReadSettings(JsonElement element, SettingsRead into, bool isOverrideSet)
        {
            foreach (var (name, value, path) in Properties(element, into.Prefix))
            {
                if (PolicyKeys.Groups.Contains(name))
                {
                    ReadGroup(name, value, path, into);
                }
                else if (PolicyKeys.ByPath.TryGetValue(name, out var key) && key.Group is null)
                {
                    ReadValue(key, value, path, into);
                }
                else if (name == PolicyKeys.Overrides)
                {
                    if (isOverrideSet)
                    {
                        Add(path, "overrides cannot be nested in an override's set");
                    }
                    else
                    {
                        into.OverridesElement = value;
                    }
                }
                else
                {
                    var known = PolicyKeys.TopLevelNames.Where(n => !isOverrideSet || n != PolicyKeys.Overrides);
                    Add(path, UnknownKey(name, known));
                }
            }
        }

        private void ReadGroup(string group, JsonElement element, string path, SettingsRead into)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                Add(path, $"must be an object, got {JsonText.Describe(element)}");
                return;
            }

            foreach (var (name, value, keyPath) in Properties(element, path))
            {
                if (PolicyKeys.ByPath.TryGetValue(group + "." + name, out var key))
                {
                    ReadValue(key, value, keyPath, into);
                }
                else
                {
                    var known = PolicyKeys.All.Where(k => k.Group == group).Select(k => k.Name);
                    Add(keyPath, UnknownKey(name, known));
                }
            }
        }

        private void ReadValue(PolicyKey key, JsonElement element, string path, SettingsRead into)
        {
            if (key.TryRead(element, out var value, out var problem))
            {
                into.Values.Add((key, value));
            }
            else
            {
                into.Invalid.Add(key);
                Add(path, problem);
            }
        }

        private void ReadOverrides(JsonElement element, List<(SettingsRead Set, PolicyMatch? Match)> overrides)
        {
            if (element.ValueKind != JsonValueKind.Array)
            {
                Add(PolicyKeys.Overrides, $"must be an array, got {JsonText.Describe(element)}");
                return;
            }

            var count = element.GetArrayLength();
            if (count > PolicyDefaults.MaxOverrides)
            {
                Add(PolicyKeys.Overrides, string.Create(
                    CultureInfo.InvariantCulture,
                    $"at most {PolicyDefaults.MaxOverrides} overrides are supported, got {count}"));
            }

            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                var path = string.Create(CultureInfo.InvariantCulture, $"{PolicyKeys.Overrides}[{index++}]");
                if (item.ValueKind != JsonValueKind.Object)
                {
                    Add(path, $"must be an object with \"match\" and \"set\", got {JsonText.Describe(item)}");
                    continue;
                }

                overrides.Add(ReadOverride(item, path));
            }
        }

        private (SettingsRead Set, PolicyMatch? Match) ReadOverride(JsonElement element, string path)
        {
            var set = new SettingsRead(path + "." + PolicyKeys.Set);
            PolicyMatch? match = null;
            var hasSet = false;
            foreach (var (name, value, propertyPath) in Properties(element, path))
            {
                if (name == PolicyKeys.Match)
                {
                    match = ReadMatch(value, propertyPath);
                }
                else if (name == PolicyKeys.Set)
                {
                    hasSet = true;
                    if (value.ValueKind == JsonValueKind.Object)
                    {
                        ReadSettings(value, set, isOverrideSet: true);
                    }
                    else
                    {
                        Add(propertyPath, $"must be an object, got {JsonText.Describe(value)}");
                    }
                }
                else
                {
                    Add(propertyPath, UnknownKey(name, [PolicyKeys.Match, PolicyKeys.Set]));
                }
            }

            if (!element.TryGetProperty(PolicyKeys.Match, out _))
            {
                Add(path, "missing \"match\" (an empty match {} applies to every node and SKU)");
            }

            if (!hasSet)
            {
                Add(path, "missing \"set\"");
            }

            return (set, match);
        }

        private PolicyMatch? ReadMatch(JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                Add(path, $"must be an object, got {JsonText.Describe(element)}");
                return null;
            }

            var match = PolicyMatch.All;
            var valid = true;
            foreach (var (name, value, fieldPath) in Properties(element, path))
            {
                var field = PolicyKeys.MatchFields.FirstOrDefault(f => f.Name == name);
                if (field.Name is null)
                {
                    Add(fieldPath, UnknownKey(name, PolicyKeys.MatchFields.Select(f => f.Name), "unknown match field"));
                    valid = false;
                }
                else if (value.ValueKind != JsonValueKind.String)
                {
                    Add(fieldPath, $"must be a string, got {JsonText.Describe(value)}");
                    valid = false;
                }
                else if (value.GetString() is not { Length: > 0 } text)
                {
                    Add(fieldPath, "must not be empty");
                    valid = false;
                }
                else
                {
                    match = field.With(match, text);
                }
            }

            return valid ? match : null;
        }

        /// <summary>
        /// Reports a minimum above its maximum in <paramref name="effective"/>, at the path of the
        /// key <paramref name="read"/> wrote (the minimum when it wrote both). Skipped when
        /// <paramref name="read"/> wrote neither key or either value was invalid.
        /// </summary>
        private void CheckMinAboveMax(SettingsRead read, PolicySettings effective, SettingsRead org)
        {
            foreach (var (min, max) in PolicyKeys.MinMaxPairs)
            {
                var invalid = read.Invalid.Contains(min) || read.Invalid.Contains(max)
                    || org.Invalid.Contains(min) || org.Invalid.Contains(max);
                var named = read.Sets(min) ? min : read.Sets(max) ? max : null;
                if (!invalid && named is not null && PolicyValidation.MinAboveMax(effective, min, max) is { } message)
                {
                    Add(Join(read.Prefix, named.Path), message);
                }
            }
        }

        /// <summary>The properties of an object with their paths; a repeated name is reported and skipped.</summary>
        private IEnumerable<(string Name, JsonElement Value, string Path)> Properties(JsonElement element, string prefix)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                var path = Join(prefix, property.Name);
                if (seen.Add(property.Name))
                {
                    yield return (property.Name, property.Value, path);
                }
                else
                {
                    Add(path, "appears more than once in the same object");
                }
            }
        }

        private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

        private static string UnknownKey(string name, IEnumerable<string> known, string what = "unknown key")
        {
            if (name.Contains('.', StringComparison.Ordinal) && PolicyKeys.ByPath.ContainsKey(name))
            {
                var dot = name.IndexOf('.', StringComparison.Ordinal);
                return $"{what}; write dotted keys as nested objects: {{\"{name[..dot]}\": {{\"{name[(dot + 1)..]}\": ...}}}}";
            }

            return Spelling.Closest(name, known) is { } suggestion ? $"{what}; did you mean \"{suggestion}\"?" : what;
        }
    }

    /// <summary>The keys one settings object (org level or an override's set) wrote.</summary>
    private sealed class SettingsRead(string prefix)
    {
        /// <summary>The path of the settings object, empty for the org level.</summary>
        public string Prefix { get; } = prefix;

        public List<(PolicyKey Key, PolicyValue Value)> Values { get; } = [];

        public HashSet<PolicyKey> Invalid { get; } = [];

        public JsonElement? OverridesElement { get; set; }

        public bool Sets(PolicyKey key) => Invalid.Contains(key) || Values.Exists(v => v.Key == key);

        public PolicySettings ApplyTo(PolicySettings settings)
        {
            foreach (var (key, value) in Values)
            {
                settings = key.Set(settings, value);
            }

            return settings;
        }
    }
}
