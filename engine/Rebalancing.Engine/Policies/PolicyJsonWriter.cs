using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;

namespace Rebalancing.Engine.Policies;

/// <summary>Writes the canonical JSON of a policy (see <see cref="Policy.ToCanonicalJson"/>).</summary>
internal static class PolicyJsonWriter
{
    /// <summary>Every key in the order canonical JSON writes it: by top-level name, then by name inside its group.</summary>
    private static readonly ImmutableArray<PolicyKey> CanonicalOrder =
        [.. PolicyKeys.All.OrderBy(key => key.TopLevelName, StringComparer.Ordinal).ThenBy(key => key.Name, StringComparer.Ordinal)];

    public static string Write(PolicySettings settings, ImmutableArray<PolicyOverride> overrides)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteObject(writer, [.. CanonicalOrder.Select(key => (key, key.Get(settings)))], overrides);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Writes keys as one object, grouped keys nested, every name sorted ordinally.
    /// <paramref name="entries"/> must be in <see cref="CanonicalOrder"/>; <c>overrides</c> is
    /// written in its sorted place when <paramref name="overrides"/> is given.
    /// </summary>
    private static void WriteObject(
        Utf8JsonWriter writer,
        IReadOnlyList<(PolicyKey Key, PolicyValue Value)> entries,
        ImmutableArray<PolicyOverride>? overrides)
    {
        writer.WriteStartObject();
        var next = 0;
        foreach (var name in PolicyKeys.TopLevelNames)
        {
            if (name == PolicyKeys.Overrides)
            {
                if (overrides is { } list)
                {
                    WriteOverrides(writer, list);
                }
            }
            else if (PolicyKeys.Groups.Contains(name))
            {
                var start = next;
                while (next < entries.Count && entries[next].Key.Group == name)
                {
                    if (next == start)
                    {
                        writer.WriteStartObject(name);
                    }

                    WriteEntry(writer, entries[next++]);
                }

                if (next > start)
                {
                    writer.WriteEndObject();
                }
            }
            else if (next < entries.Count && entries[next].Key.Path == name)
            {
                WriteEntry(writer, entries[next++]);
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteEntry(Utf8JsonWriter writer, (PolicyKey Key, PolicyValue Value) entry)
    {
        writer.WritePropertyName(entry.Key.Name);
        writer.WriteRawValue(entry.Value.ToString());
    }

    private static void WriteOverrides(Utf8JsonWriter writer, ImmutableArray<PolicyOverride> overrides)
    {
        writer.WriteStartArray(PolicyKeys.Overrides);
        foreach (var entry in overrides)
        {
            writer.WriteStartObject();
            writer.WriteStartObject(PolicyKeys.Match);
            foreach (var (name, get, _) in PolicyKeys.MatchFields)
            {
                if (get(entry.Match) is { } value)
                {
                    writer.WritePropertyName(name);
                    writer.WriteRawValue(JsonText.Quote(value));
                }
            }

            writer.WriteEndObject();
            writer.WritePropertyName(PolicyKeys.Set);
            WriteObject(writer, [.. CanonicalOrder.Where(key => entry.Set.ContainsKey(key.Path)).Select(key => (key, entry.Set[key.Path]))], null);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
