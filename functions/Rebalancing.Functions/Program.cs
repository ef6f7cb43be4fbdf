using Rebalancing.Functions.Application;

var builder = WebApplication.CreateBuilder(args);
builder.AddApplicationServices();

var app = builder.Build();
app.MapApplicationApis();
app.Run();

/// <summary>The app's entry point (public so tests can host it with WebApplicationFactory).</summary>
public partial class Program;
