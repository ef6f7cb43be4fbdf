using System.Globalization;
using System.Text.Json;

namespace Rebalancing.Engine.Policies;

/// <summary>Reading <c>overrides</c>: each entry's <c>match</c> and <c>set</c>.</summary>
public static partial class PolicyReader
{
    /// <summary>The part of the document walk that reads overrides.</summary>
    private sealed partial class DocumentReader
    {
        private void ReadOverrides(JsonElement element)
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
                    Add(propertyPath, Unknown("unknown key", name, [PolicyKeys.Match, PolicyKeys.Set]));
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
                    Add(fieldPath, Unknown("unknown match field", name, PolicyKeys.MatchFields.Select(f => f.Name)));
                    valid = false;
                }
                else if (value.ValueKind != JsonValueKind.String)
                {
                    Add(fieldPath, $"must be a string, got {JsonText.Describe(value)}");
                    valid = false;
                }
                else if (TryGetString(value) is not { } text)
                {
                    Add(fieldPath, "has an unpaired surrogate escape, which is not text");
                    valid = false;
                }
                else if (text.Length == 0)
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
    }
}
