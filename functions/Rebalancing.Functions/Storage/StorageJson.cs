using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rebalancing.Functions.Storage;

/// <summary>The JSON conventions of everything storage writes: camelCase, enums as camelCase strings.</summary>
internal static class StorageJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>A fixed-width UTC form of an instant that sorts as a string (used in range queries).</summary>
    public static string SortableInstant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
