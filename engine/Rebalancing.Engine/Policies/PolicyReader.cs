using System.Text.Json;
using System.Text.Unicode;

namespace Rebalancing.Engine.Policies;

/// <summary>
/// Reads and validates a policy document (policy.md). Every problem is reported at once, each
/// naming its JSON path; a typo is an error, never a silent fall back to a default.
/// </summary>
public static partial class PolicyReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    /// <summary>Reads a policy from JSON text.</summary>
    /// <param name="json">The policy document.</param>
    /// <returns>The policy, or every problem found.</returns>
    public static PolicyLoadResult Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Read(System.Text.Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Reads a policy from a stream of UTF-8 JSON (a leading byte order mark is allowed). The stream is read to its end and not closed.</summary>
    /// <param name="utf8Json">The policy document.</param>
    /// <returns>The policy, or every problem found.</returns>
    public static PolicyLoadResult Read(Stream utf8Json)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        using var copy = new MemoryStream();
        utf8Json.CopyTo(copy);
        return Read(copy.GetBuffer().AsSpan(0, checked((int)copy.Length)));
    }

    /// <summary>Reads a policy from UTF-8 JSON bytes (a leading byte order mark is allowed).</summary>
    /// <param name="utf8Json">The policy document.</param>
    /// <returns>The policy, or every problem found.</returns>
    public static PolicyLoadResult Read(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.StartsWith("\uFEFF"u8))
        {
            utf8Json = utf8Json[3..];
        }

        if (!Utf8.IsValid(utf8Json))
        {
            return Fail("is not valid UTF-8 text");
        }

        if (utf8Json.Trim(" \t\r\n"u8).IsEmpty)
        {
            return Fail("the document is empty; the policy with every default is {}");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json.ToArray(), DocumentOptions);
        }
        catch (JsonException exception)
        {
            return Fail(DescribeInvalidJson(exception));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Fail($"must be a JSON object, got {JsonText.Describe(root)}");
            }

            return new DocumentReader().Read(root);
        }
    }

    private static PolicyLoadResult Fail(string message) =>
        PolicyLoadResult.Failure([new PolicyProblem(PolicyProblem.RootPath, message)]);

    private static string DescribeInvalidJson(JsonException exception)
    {
        var message = exception.Message;
        var suffix = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (suffix >= 0)
        {
            message = message[..suffix];
        }

        return exception.LineNumber is { } line && exception.BytePositionInLine is { } position
            ? $"invalid JSON at line {line + 1}, byte {position + 1} of the line: {message}"
            : $"invalid JSON: {message}";
    }
}
