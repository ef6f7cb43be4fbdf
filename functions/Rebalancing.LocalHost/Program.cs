using Rebalancing.LocalHost;

try
{
    // The local host reads its settings once, at start: watching appsettings.json would cost an inotify instance per
    // host, and Linux allows 128 per user (test runs and CI machines start dozens of hosts).
    var builder = WebApplication.CreateBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);
    builder.AddLocalHost();
    var app = builder.Build();
    StartupFailure.ValidateSettings(app.Services);
    app.MapFunctions();
    app.Run();
    return 0;
}
catch (Exception e) when (StartupFailure.Describe(e) is { } reason)
{
    // A bad setting: say which, in one line, and stop (no stack trace to read through).
    await Console.Error.WriteLineAsync("rebalancing: cannot start: " + reason).ConfigureAwait(false);
    return 2;
}

/// <summary>The local host's entry point (public so tests can host it with WebApplicationFactory).</summary>
public partial class Program;
