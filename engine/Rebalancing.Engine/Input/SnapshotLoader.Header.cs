using System.Text.Json;
using Rebalancing.Engine.Model;

namespace Rebalancing.Engine.Input;

public static partial class SnapshotLoader
{
    private static SnapshotHeader? ReadHeader(ISnapshotSource source, List<InputProblem> sink)
    {
        var problems = new FileProblems(SnapshotFiles.Header, sink);
        using var stream = source.OpenRead(SnapshotFiles.Header);
        if (stream is null)
        {
            problems.Error(null, "required file is missing");
            return null;
        }

        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        // The parsers read bytes without a byte-order mark, which the stream reader used to skip.
        var json = buffer.ToArray();
        if (json.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            json = json[3..];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            problems.Error((int?)(ex.LineNumber + 1), $"invalid JSON: {ex.Message}");
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problems.Error(1, "the document must be a JSON object");
                return null;
            }

            // A problem with a key is reported at the key's line; a missing key at line 1, where the object opens.
            var keyLines = TopLevelKeyLines(json);
            int LineOf(string key) => keyLines.GetValueOrDefault(key, 1);

            string? Text(string key, bool required)
            {
                if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
                {
                    if (required)
                    {
                        problems.Error(LineOf(key), $"{key}: a value is required");
                    }

                    return null;
                }

                if (value.ValueKind == JsonValueKind.String && !required && string.IsNullOrWhiteSpace(value.GetString()))
                {
                    // An optional key left blank ("currency": "") is a key left out, as an empty optional CSV field is.
                    return null;
                }

                if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
                {
                    problems.Error(LineOf(key), $"{key}: must be a non-empty string");
                    return null;
                }

                return value.GetString()!.Trim();
            }

            var orgId = Text("org_id", required: true);
            var asOfText = Text("as_of", required: true);
            var currency = Text("currency", required: false);
            var snapshotId = Text("snapshot_id", required: false);
            DateTimeOffset? asOf = null;
            if (asOfText is not null)
            {
                if (IsoTime.TryParseInstant(asOfText, out var parsed))
                {
                    asOf = parsed;
                }
                else
                {
                    problems.Error(LineOf("as_of"), $"as_of: '{asOfText}' is not an ISO 8601 UTC timestamp");
                }
            }

            return orgId is null || asOf is null ? null : new SnapshotHeader(orgId, asOf.Value, currency, snapshotId);
        }
    }

    /// <summary>The 1-based line of each top-level key of a JSON object (the last, for a key given twice, as the parser keeps it).</summary>
    private static Dictionary<string, int> TopLevelKeyLines(byte[] json)
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                var start = (int)reader.TokenStartIndex;
                lines[reader.GetString()!] = json.AsSpan(0, start).Count((byte)'\n') + 1;
            }
        }

        return lines;
    }
}
