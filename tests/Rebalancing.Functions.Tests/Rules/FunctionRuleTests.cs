using System.Reflection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Tests.Support;
using Rebalancing.LocalHost;

namespace Rebalancing.Functions.Tests.Rules;

/// <summary>
/// The app's functions, read from its assembly independently of the local host: unique names, routes under
/// <c>api/</c> or <c>approve/</c>, keys on every <c>api/</c> route but health, the local host serving each one, and
/// the HTTP, queue and timer functions thin (no storage adapter, no planner).
/// </summary>
public sealed class FunctionRuleTests
{
    private const BindingFlags AllDeclared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly string[] ForbiddenNamespaces =
    [
        "Rebalancing.Functions.Storage.Embedded",
        "Rebalancing.Functions.Storage.Azure",
        "Rebalancing.Functions.Storage.Documents",
        "Rebalancing.Functions.Storage.Blobs",
        "Rebalancing.Engine.Planning",
        "Rebalancing.Engine.Passes",
    ];

    [Fact]
    public void Functions_InTheAppAssembly_HaveUniqueNames()
    {
        var functions = Functions();

        Assert.NotEmpty(functions);
        var duplicates = functions.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Equal(Array.Empty<string>(), duplicates);
    }

    [Fact]
    public void Functions_InTheAppAssembly_ArePublicMethodsTheLocalHostCatalogFinds()
    {
        var catalog = new FunctionCatalog(typeof(ApplicationServices).Assembly);

        Assert.Equal(Functions().Select(f => f.Name).Order(StringComparer.Ordinal), catalog.Functions.Select(f => f.Name));
        Assert.All(Functions(), f => Assert.True(f.Method.IsPublic, $"{f.Name} is not public: the Functions host would not index it"));
    }

    [Fact]
    public void HttpFunctions_HaveARouteUnderApiOrApprove()
    {
        var routes = HttpFunctions().Select(f => (f.Name, Route: f.Trigger.Route ?? "")).ToList();

        Assert.NotEmpty(routes);
        Assert.All(routes, r => Assert.True(
            r.Route.StartsWith("api/", StringComparison.Ordinal) || r.Route.StartsWith("approve/", StringComparison.Ordinal),
            $"{r.Name}: route '{r.Route}' is not under api/ or approve/"));
    }

    [Fact]
    public void HttpFunctions_UnderApi_NeedTheFunctionKey_ExceptHealth_AndApprovalPagesAreAnonymous()
    {
        foreach (var (name, _, trigger) in HttpFunctions())
        {
            var expected = trigger.Route == "api/health" || trigger.Route!.StartsWith("approve/", StringComparison.Ordinal)
                ? AuthorizationLevel.Anonymous
                : AuthorizationLevel.Function;
            Assert.True(expected == trigger.AuthLevel, $"{name} ({trigger.Route}) is {trigger.AuthLevel}, expected {expected}");
        }
    }

    [Fact]
    public void LocalHost_MapsEveryHttpFunction_AtItsRouteWithItsMethods()
    {
        using var app = new FunctionApp();
        var endpoints = app.Get<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IEndpointNameMetadata>() is not null)
            .ToDictionary(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName, StringComparer.Ordinal);

        foreach (var (name, _, trigger) in HttpFunctions())
        {
            Assert.True(endpoints.TryGetValue(name, out var endpoint), $"the local host does not map {name}");
            Assert.Equal("/" + trigger.Route, endpoint.RoutePattern.RawText);
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods;
            Assert.Equal(trigger.Methods!.Select(m => m.ToUpperInvariant()).Order(StringComparer.Ordinal), methods.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void HttpQueueAndTimerFunctionClasses_DependOnNoStorageAdapterAndNoPlanner()
    {
        var classes = Functions()
            .Where(f => f.Method.GetParameters().Any(p => p.GetCustomAttribute<HttpTriggerAttribute>() is not null
                || p.GetCustomAttribute<QueueTriggerAttribute>() is not null
                || p.GetCustomAttribute<TimerTriggerAttribute>() is not null))
            .Select(f => f.Method.DeclaringType!)
            .Distinct()
            .ToList();
        Assert.NotEmpty(classes);

        var offending = classes.SelectMany(t => Dependencies(t).Select(d => $"{t.Name} -> {d.FullName}"))
            .Where(d => ForbiddenNamespaces.Any(ns => d.Contains("-> " + ns + ".", StringComparison.Ordinal)))
            .ToList();

        Assert.Equal(Array.Empty<string>(), offending);
    }

    private static List<(string Name, MethodInfo Method)> Functions() =>
        [.. typeof(ApplicationServices).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(AllDeclared))
            .Select(m => (Attribute: m.GetCustomAttribute<FunctionAttribute>(), Method: m))
            .Where(x => x.Attribute is not null)
            .Select(x => (x.Attribute!.Name, x.Method))];

    private static List<(string Name, MethodInfo Method, HttpTriggerAttribute Trigger)> HttpFunctions() =>
        [.. Functions()
            .Select(f => (f.Name, f.Method, Trigger: f.Method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(f => f.Trigger is not null)
            .Select(f => (f.Name, f.Method, f.Trigger!))];

    private static IEnumerable<Type> Dependencies(Type type)
    {
        var fields = type.GetFields(AllDeclared).Select(f => f.FieldType);
        var parameters = type.GetConstructors(AllDeclared).Concat<MethodBase>(type.GetMethods(AllDeclared)).SelectMany(m => m.GetParameters()).Select(p => p.ParameterType);
        var returns = type.GetMethods(AllDeclared).Select(m => m.ReturnType);
        return fields.Concat(parameters).Concat(returns).SelectMany(Unwrap).Distinct();
    }

    private static IEnumerable<Type> Unwrap(Type type)
    {
        yield return type;
        foreach (var argument in type.IsGenericType ? type.GetGenericArguments() : [])
        {
            foreach (var inner in Unwrap(argument))
            {
                yield return inner;
            }
        }
    }
}
