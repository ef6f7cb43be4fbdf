using Microsoft.Azure.Functions.Worker.Builder;
using Rebalancing.Functions.Application;

// The Azure Functions app (isolated worker, ASP.NET Core integration). The Functions host runs it in Azure and under
// Core Tools; functions/Rebalancing.LocalHost runs the same functions where Core Tools are not installed.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.AddRebalancing();
builder.Build().Run();
