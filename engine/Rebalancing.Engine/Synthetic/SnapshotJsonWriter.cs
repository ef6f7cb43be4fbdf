using System.Globalization;
using System.Text.Json;

namespace Rebalancing.Engine.Synthetic;

/// <summary>Writes <c>snapshot.json</c>.</summary>
internal static class SnapshotJsonWriter
{
    /// <summary>The as-of format: ISO 8601 UTC to the second.</summary>
    public const string InstantFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    /// <summary>Writes the four keys, one per line, with <c>\n</c> line endings.</summary>
    public static void Write(NetworkGeneratorOptions options, TextWriter writer)
    {
        string asOf = options.AsOf.UtcDateTime.ToString(InstantFormat, CultureInfo.InvariantCulture);
        writer.Write("{\n");
        WriteKey(writer, "org_id", options.OrgId, last: false);
        WriteKey(writer, "as_of", asOf, last: false);
        WriteKey(writer, "currency", NetworkGeneratorDefaults.Currency, last: false);
        WriteKey(writer, "snapshot_id", options.SnapshotId, last: true);
        writer.Write("}\n");
    }

    private static void WriteKey(TextWriter writer, string key, string value, bool last)
    {
        writer.Write("  \"");
        writer.Write(key);
        writer.Write("\": \"");
        writer.Write(JsonEncodedText.Encode(value).Value);
        writer.Write(last ? "\"\n" : "\",\n");
    }
}
