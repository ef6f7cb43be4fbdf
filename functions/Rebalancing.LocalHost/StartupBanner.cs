using Rebalancing.Functions.Application;

namespace Rebalancing.LocalHost;

/// <summary>Prints the generated API key once at start (embedded mode without a configured key).</summary>
internal sealed class StartupBanner(AppSecrets secrets) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (secrets.ApiKey is { } key && secrets.ApiKeyGenerated)
        {
            await Console.Out.WriteLineAsync($"Rebalancing:ApiKey was not set: this run's API key is {key}  (send it as x-functions-key or ?code=)").ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
