using System.Text;
using System.Text.Json;

namespace Rebalancing.Engine.Policies;

/// <summary>Small helpers for JSON text in messages and canonical output.</summary>
internal static class JsonText
{
    private const int MaxQuotedLength = 40;

    /// <summary>A JSON value as a message shows it: its text for scalars, "an object" or "an array" otherwise.</summary>
    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "the string " + Truncate(element.GetRawText()),
        _ => Truncate(element.GetRawText()),
    };

    /// <summary>The JSON type of a value in words, for "must be ..., got X" messages.</summary>
    public static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>
    /// A string as a JSON string literal with the least escaping: <c>"</c>, <c>\</c> and control
    /// characters only (as RFC 8785), so the canonical form does not depend on an encoder's choices.
    /// </summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case < ' ': builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)); break;
                default: builder.Append(c); break;
            }
        }

        return builder.Append('"').ToString();
    }

    private static string Truncate(string text) =>
        text.Length <= MaxQuotedLength ? text : string.Concat(text.AsSpan(0, MaxQuotedLength), "...");
}
