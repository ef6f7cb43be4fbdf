using System.Net.Security;
using Azure.Core;
using Microsoft.Azure.Cosmos;

namespace Rebalancing.Functions.Storage.Azure;

/// <summary>
/// The Cosmos DB client and the three containers, all partitioned on <c>/pk</c>:
/// <c>runs</c> (pk = run id), <c>orgs</c> (pk = org id), <c>ledger</c> (pk = org id).
/// </summary>
internal static class CosmosContainers
{
    public const string Runs = "runs";
    public const string Orgs = "orgs";
    public const string Ledger = "ledger";
    public const string PartitionKeyPath = "/pk";

    /// <summary>
    /// A gateway-mode client limited to <paramref name="endpoint"/>. The emulator's self-signed
    /// certificate is accepted only when the endpoint is a loopback address.
    /// </summary>
    public static CosmosClient CreateClient(Uri endpoint, string? key, TokenCredential? credential)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var options = new CosmosClientOptions
        {
            ConnectionMode = ConnectionMode.Gateway,
            LimitToEndpoint = true,
            ApplicationName = "rebalancing-functions",
            RequestTimeout = TimeSpan.FromSeconds(30),
            MaxRetryAttemptsOnRateLimitedRequests = 9,
            HttpClientFactory = () => new HttpClient(CreateHandler(endpoint), disposeHandler: true),
        };
        if (!string.IsNullOrEmpty(key))
        {
            return new CosmosClient(endpoint.AbsoluteUri, key, options);
        }

        return new CosmosClient(endpoint.AbsoluteUri, credential ?? throw new ArgumentException("Cosmos DB needs a key or a credential.", nameof(credential)), options);
    }

    /// <summary>Creates the database and containers when missing.</summary>
    public static async Task<(Container Runs, Container Orgs, Container Ledger)> EnsureAsync(CosmosClient client, string databaseId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        Database database = await client.CreateDatabaseIfNotExistsAsync(databaseId, cancellationToken: cancellationToken).ConfigureAwait(false);
        async Task<Container> Ensure(string id) =>
            await database.CreateContainerIfNotExistsAsync(new ContainerProperties(id, PartitionKeyPath), cancellationToken: cancellationToken).ConfigureAwait(false);
        return (await Ensure(Runs).ConfigureAwait(false), await Ensure(Orgs).ConfigureAwait(false), await Ensure(Ledger).ConfigureAwait(false));
    }

    private static SocketsHttpHandler CreateHandler(Uri endpoint)
    {
        var handler = new SocketsHttpHandler();
        if (endpoint.IsLoopback)
        {
            // Only the local emulator: its certificate is self-signed. Anything else is validated normally.
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, errors) => errors == SslPolicyErrors.None || endpoint.IsLoopback;
        }

        return handler;
    }
}
