namespace Rebalancing.Functions.Storage;

/// <summary>
/// Argument checks for ids that become blob paths and document ids: letters, digits, '-', '_', '.'
/// and ':' only (no '/', '\', '?', '#', which Cosmos DB ids and blob paths cannot carry safely).
/// </summary>
internal static class StorageIds
{
    public const int MaxLength = 200;

    public static bool IsValid(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= MaxLength && value is not ("." or "..") && value.All(IsAllowed);

    public static string Check(string? value, string paramName)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, paramName);
        if (!IsValid(value))
        {
            throw new ArgumentException($"'{value}' is not a valid id: use at most {MaxLength} letters, digits, '-', '_', '.' or ':'.", paramName);
        }

        return value;
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':';
}
