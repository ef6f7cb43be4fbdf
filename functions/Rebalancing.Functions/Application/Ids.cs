using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Application;

/// <summary>Id checks for route values (the storage rules, as a boolean).</summary>
internal static class Ids
{
    public static bool IsValid(string? value) => StorageIds.IsValid(value);
}
