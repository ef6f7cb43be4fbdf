using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.Azure.Functions.Worker;
using Rebalancing.Functions.Application;

namespace Rebalancing.LocalHost;

/// <summary>
/// Serves every HTTP-triggered function behind its own route and methods, as the Functions host does with
/// <c>extensions.http.routePrefix</c> set to "" (host.json): route values bind to parameters of the same name, the
/// request to the trigger parameter, the Durable client to <c>[DurableClient]</c>. Functions at
/// <see cref="AuthorizationLevel.Function"/> need the key (<c>x-functions-key</c> or <c>?code=</c>), like the host's
/// function keys; anonymous ones do not.
/// </summary>
internal static class HttpFunctionRoutes
{
    public const string KeyHeader = "x-functions-key";

    public static WebApplication MapFunctions(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var catalog = app.Services.GetRequiredService<FunctionCatalog>();
        foreach (var function in catalog.With<HttpTriggerAttribute>())
        {
            var trigger = function.TriggerAs<HttpTriggerAttribute>();
            var methods = (trigger.Methods ?? ["get", "post"]).Select(m => m.ToUpperInvariant()).ToArray();
            app.MapMethods("/" + (trigger.Route ?? function.Name), methods, context => HandleAsync(context, function, trigger.AuthLevel))
                .WithName(function.Name)
                .WithDisplayName(function.Name);
        }

        return app;
    }

    private static async Task HandleAsync(HttpContext context, FunctionEntry function, AuthorizationLevel level)
    {
        if (level != AuthorizationLevel.Anonymous && !HasKey(context))
        {
            await Problems.Create(StatusCodes.Status401Unauthorized, "Unauthorized", $"Send the API key as the {KeyHeader} header or the code query parameter.")
                .ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var result = await FunctionCatalog.InvokeAsync(function, context.RequestServices, p => Bind(p, context), context.RequestAborted).ConfigureAwait(false);
        if (result is IActionResult action)
        {
            await action.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor())).ConfigureAwait(false);
        }
    }

    private static bool HasKey(HttpContext context)
    {
        var secrets = context.RequestServices.GetRequiredService<AppSecrets>();
        // The header when it has a value, else ?code= (as the Functions host reads them: an empty header is no key).
        var header = context.Request.Headers[KeyHeader].FirstOrDefault();
        return secrets.IsApiKey(string.IsNullOrEmpty(header) ? context.Request.Query["code"].FirstOrDefault() : header);
    }

    private static object? Bind(ParameterInfo parameter, HttpContext context)
    {
        if (parameter.ParameterType == typeof(HttpRequest))
        {
            return context.Request;
        }

        if (parameter.ParameterType == typeof(HttpContext))
        {
            return context;
        }

        if (context.Request.RouteValues.TryGetValue(parameter.Name!, out var value) && value is not null)
        {
            var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
            return type == typeof(string) ? value.ToString() : Convert.ChangeType(value.ToString(), type, CultureInfo.InvariantCulture);
        }

        return null;
    }
}
