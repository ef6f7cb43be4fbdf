namespace Rebalancing.Functions.Storage.Azure;

/// <summary>
/// The parts of an Azure Storage connection string the REST clients use, including Azurite's
/// <c>UseDevelopmentStorage=true</c> (the well-known account <c>devstoreaccount1</c>).
/// </summary>
internal sealed record StorageConnectionString(string AccountName, string AccountKey, Uri BlobEndpoint, Uri QueueEndpoint)
{
    /// <summary>Azurite's well-known account name (public, documented by Microsoft).</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>Azurite's well-known account key (public, documented by Microsoft).</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static StorageConnectionString Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var parts = connectionString
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);

        if (parts.TryGetValue("UseDevelopmentStorage", out var dev) && bool.TryParse(dev, out var isDev) && isDev)
        {
            var proxy = parts.TryGetValue("DevelopmentStorageProxyUri", out var p) ? new Uri(p) : new Uri("http://127.0.0.1");
            return new(
                DevelopmentAccountName,
                DevelopmentAccountKey,
                new Uri($"{proxy.Scheme}://{proxy.Host}:10000/{DevelopmentAccountName}"),
                new Uri($"{proxy.Scheme}://{proxy.Host}:10001/{DevelopmentAccountName}"));
        }

        var account = Required(parts, "AccountName");
        var key = Required(parts, "AccountKey");
        var protocol = parts.TryGetValue("DefaultEndpointsProtocol", out var proto) ? proto : "https";
        var suffix = parts.TryGetValue("EndpointSuffix", out var s) ? s : "core.windows.net";
        var blob = parts.TryGetValue("BlobEndpoint", out var b) ? new Uri(b) : new Uri($"{protocol}://{account}.blob.{suffix}");
        var queue = parts.TryGetValue("QueueEndpoint", out var q) ? new Uri(q) : new Uri($"{protocol}://{account}.queue.{suffix}");
        return new(account, key, blob, queue);
    }

    /// <summary>Never prints the key.</summary>
    public override string ToString() => $"AccountName={AccountName};BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint}";

    private static string Required(Dictionary<string, string> parts, string name) =>
        parts.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new FormatException($"The storage connection string has no {name}.");
}
