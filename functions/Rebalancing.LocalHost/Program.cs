using Microsoft.Extensions.Options;
using Rebalancing.LocalHost;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddLocalHost();
    var app = builder.Build();
    app.MapFunctions();
    app.Run();
    return 0;
}
catch (Exception e) when (e is OptionsValidationException or InvalidOperationException { InnerException: null } or FormatException)
{
    // A bad setting: say which, in one line, and stop (no stack trace to read through).
    await Console.Error.WriteLineAsync("rebalancing: cannot start: " + e.Message).ConfigureAwait(false);
    return 2;
}

/// <summary>The local host's entry point (public so tests can host it with WebApplicationFactory).</summary>
public partial class Program;
