using System.Collections.Immutable;
using System.Text.Json;

namespace Rebalancing.Engine.Policies;

/// <summary>The walk over a parsed policy document.</summary>
public static partial class PolicyReader
{
    /// <summary>Reads one document, collecting problems in document order, then the cross-key checks.</summary>
    private sealed partial class DocumentReader
    {
        private readonly List<PolicyProblem> problems = [];
        private readonly List<(SettingsRead Set, PolicyMatch? Match)> overrides = [];

        public PolicyLoadResult Read(JsonElement root)
        {
            var org = new SettingsRead(string.Empty);
            ReadSettings(root, org, isOverrideSet: false);
            var orgSettings = org.ApplyTo(PolicySettings.Default);

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
                        ReadOverrides(value);
                    }
                }
                else
                {
                    var known = PolicyKeys.TopLevelNames.Where(n => !isOverrideSet || n != PolicyKeys.Overrides);
                    Add(path, UnknownSettingsKey(name, known, group: null));
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
                    Add(keyPath, UnknownSettingsKey(name, known, group));
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
                if (!TryGetName(property, out var name))
                {
                    Add(prefix.Length == 0 ? PolicyProblem.RootPath : prefix, "has a key with an unpaired surrogate escape, which is not text");
                    continue;
                }

                var path = Join(prefix, name);
                if (seen.Add(name))
                {
                    yield return (name, property.Value, path);
                }
                else
                {
                    Add(path, "appears more than once in the same object");
                }
            }
        }

        private static bool TryGetName(JsonProperty property, out string name)
        {
            try
            {
                name = property.Name;
                return true;
            }
            catch (InvalidOperationException)
            {
                name = string.Empty;
                return false;
            }
        }

        private static string? TryGetString(JsonElement element)
        {
            try
            {
                return element.GetString();
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }

        private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

        /// <summary>
        /// The message for an unknown settings key, with a hint: a dotted key written flat, a key
        /// of another group (<paramref name="group"/> is where it was found, null for the top
        /// level), or the closest known name.
        /// </summary>
        private static string UnknownSettingsKey(string name, IEnumerable<string> known, string? group)
        {
            const string What = "unknown key";
            if (PolicyKeys.ByPath.TryGetValue(name, out var dotted) && dotted.Group is not null)
            {
                return $"{What}; write dotted keys as nested objects: {{\"{dotted.Group}\": {{\"{dotted.Name}\": ...}}}}";
            }

            if (PolicyKeys.All.FirstOrDefault(k => k.Name == name && k.Group != group) is { } elsewhere)
            {
                return elsewhere.Group is null
                    ? $"{What}; \"{name}\" is a top-level key"
                    : $"{What}; did you mean \"{elsewhere.Path}\" (inside \"{elsewhere.Group}\")?";
            }

            return Unknown(What, name, known);
        }

        /// <summary>"unknown ..." with the closest known name, if one is close.</summary>
        private static string Unknown(string what, string name, IEnumerable<string> known) =>
            Spelling.Closest(name, known) is { } suggestion ? $"{what}; did you mean \"{suggestion}\"?" : what;
    }
}
