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

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip });
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

            string? Text(string key, bool required)
            {
                if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
                {
                    if (required)
                    {
                        problems.Error(null, $"{key}: a value is required");
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
                    problems.Error(null, $"{key}: must be a non-empty string");
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
                    problems.Error(null, $"as_of: '{asOfText}' is not an ISO 8601 UTC timestamp");
                }
            }

            return orgId is null || asOf is null ? null : new SnapshotHeader(orgId, asOf.Value, currency, snapshotId);
        }
    }
}
