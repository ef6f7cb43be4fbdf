using System.Globalization;

namespace Rebalancing.Engine.Input;

/// <summary>ISO 8601 parsing shared by the CSV files and <c>snapshot.json</c>.</summary>
internal static class IsoTime
{
    private static readonly string[] DateFormats = ["yyyy-MM-dd"];

    /// <summary>Parses an instant (ISO 8601: yyyy-MM-dd first); a timestamp without an offset (or a bare date) is taken as UTC.</summary>
    public static bool TryParseInstant(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value)
            && (text.Contains('T') || text.Length == 10)
            && text.Length >= 10 && char.IsAsciiDigit(text[0]) && text[4] == '-' && text[7] == '-')
        {
            value = value.ToUniversalTime();
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Parses a calendar date (<c>yyyy-MM-dd</c>).</summary>
    public static bool TryParseDate(ReadOnlySpan<char> text, out DateOnly value) =>
        DateOnly.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
}
