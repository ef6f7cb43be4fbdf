using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Rebalancing.LocalHost;

/// <summary>One <c>[Function]</c> method of the app and its trigger attribute.</summary>
internal sealed record FunctionEntry(string Name, MethodInfo Method, Attribute Trigger, ParameterInfo TriggerParameter)
{
    public T TriggerAs<T>() where T : Attribute => (T)Trigger;
}

/// <summary>
/// The app's functions, read the way the Functions SDK reads them: every method marked <c>[Function(name)]</c>, with
/// the parameter that carries its trigger attribute. The local host serves exactly these, so a function added to the
/// app is served here without a line changed in the host.
/// </summary>
internal sealed class FunctionCatalog
{
    public FunctionCatalog(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        Functions = [.. assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Function: m.GetCustomAttribute<FunctionAttribute>()))
            .Where(x => x.Function is not null)
            .Select(x => Describe(x.Function!.Name, x.Method))
            .OrderBy(f => f.Name, StringComparer.Ordinal)];
    }

    public IReadOnlyList<FunctionEntry> Functions { get; }

    public IEnumerable<FunctionEntry> With<T>() where T : Attribute => Functions.Where(f => f.Trigger is T);

    /// <summary>
    /// Calls a function: creates its class through DI (as the Functions worker does, per invocation), binds each
    /// parameter, awaits it, and returns what it returned.
    /// </summary>
    public static async Task<object?> InvokeAsync(FunctionEntry function, IServiceProvider services, Func<ParameterInfo, object?> bindTrigger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(bindTrigger);
        var method = function.Method;
        var target = method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, method.DeclaringType!);
        var arguments = method.GetParameters().Select(p => Bind(p, function, services, bindTrigger, cancellationToken)).ToArray();
        object? result;
        try
        {
            result = method.Invoke(target, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }

        if (result is Task task)
        {
            await task.ConfigureAwait(false);
            return method.ReturnType.IsGenericType ? method.ReturnType.GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
        }

        return result;
    }

    private static object? Bind(ParameterInfo parameter, FunctionEntry function, IServiceProvider services, Func<ParameterInfo, object?> bindTrigger, CancellationToken cancellationToken)
    {
        if (parameter.ParameterType == typeof(CancellationToken))
        {
            return cancellationToken;
        }

        if (parameter.GetCustomAttribute<DurableClientAttribute>() is not null)
        {
            return services.GetRequiredService<DurableTaskClient>();
        }

        return bindTrigger(parameter) ?? (parameter.HasDefaultValue ? parameter.DefaultValue : null);
    }

    private static FunctionEntry Describe(string name, MethodInfo method)
    {
        foreach (var parameter in method.GetParameters())
        {
            var trigger = parameter.GetCustomAttributes().FirstOrDefault(a => a.GetType().Name.EndsWith("TriggerAttribute", StringComparison.Ordinal));
            if (trigger is not null)
            {
                return new FunctionEntry(name, method, trigger, parameter);
            }
        }

        throw new InvalidOperationException($"function '{name}' has no trigger parameter");
    }
}
