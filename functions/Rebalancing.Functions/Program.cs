using Microsoft.Azure.Functions.Worker.Builder;
using Rebalancing.Functions.Application;

namespace Rebalancing.Functions;

/// <summary>
/// The Azure Functions app (isolated worker, ASP.NET Core integration). The Functions host runs it in Azure and under
/// Core Tools; functions/Rebalancing.LocalHost runs the same functions where Core Tools are not installed.
/// </summary>
internal static class FunctionsProgram
{
    public static void Main(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.AddRebalancing();
        builder.Build().Run();
    }
}
