using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Rebalancing.Functions.Application;

/// <summary>The base URL of links sent out: <c>Rebalancing:PublicBaseUrl</c>, else the request's, else the server's first address.</summary>
internal sealed class PublicUrls(IOptions<RebalancingOptions> options, IServiceProvider services)
{
    public Uri Base(HttpRequest? request = null)
    {
        if (options.Value.PublicBaseUrl is { } configured)
        {
            return WithSlash(configured);
        }

        if (request is not null)
        {
            return WithSlash(new Uri($"{request.Scheme}://{request.Host}{request.PathBase}"));
        }

        // In Azure the platform names the app's host; elsewhere the server's first address (the local host's Kestrel).
        if (Environment.GetEnvironmentVariable("WEBSITE_HOSTNAME") is { Length: > 0 } host)
        {
            return WithSlash(new Uri("https://" + host));
        }

        var address = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:7071";
        return WithSlash(new Uri(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)));
    }

    private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
