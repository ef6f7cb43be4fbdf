using Rebalancing.Functions;
using Rebalancing.Functions.Orchestration;
using Rebalancing.Functions.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.AddRebalancingStorage();
builder.AddRebalancingOrchestration();

var app = builder.Build();
app.MapHealthApi();
app.Run();

/// <summary>The app's entry point (public so tests can host it with WebApplicationFactory).</summary>
public partial class Program;
