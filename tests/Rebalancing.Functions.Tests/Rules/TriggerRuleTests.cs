using System.Reflection;
using Rebalancing.Functions.Triggers;

namespace Rebalancing.Functions.Tests.Rules;

/// <summary>Triggers stay thin: they hold ports and application services, never a storage adapter or the engine's planner.</summary>
public sealed class TriggerRuleTests
{
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
    public void TriggerTypes_DependOnNoStorageAdapterAndNoPlanner()
    {
        var triggers = typeof(IQueueTrigger).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(IQueueTrigger).Namespace)
            .ToList();
        Assert.NotEmpty(triggers);

        var offending = triggers.SelectMany(t => Dependencies(t).Select(d => $"{t.Name} -> {d.FullName}"))
            .Where(d => ForbiddenNamespaces.Any(ns => d.Contains("-> " + ns + ".", StringComparison.Ordinal)))
            .ToList();

        Assert.Equal(Array.Empty<string>(), offending);
    }

    private static IEnumerable<Type> Dependencies(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var fields = type.GetFields(all).Select(f => f.FieldType);
        var parameters = type.GetConstructors(all).Concat<MethodBase>(type.GetMethods(all)).SelectMany(m => m.GetParameters()).Select(p => p.ParameterType);
        var returns = type.GetMethods(all).Select(m => m.ReturnType);
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
