namespace Rebalancing.Functions.Application;

/// <summary>Function-key auth of <c>/api</c>: the <c>x-functions-key</c> header or <c>?code=</c>; otherwise 401 problem details.</summary>
internal sealed class FunctionKeyFilter(AppSecrets secrets) : IEndpointFilter
{
    public const string HeaderName = "x-functions-key";
    public const string QueryName = "code";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var request = context.HttpContext.Request;
        var key = request.Headers.TryGetValue(HeaderName, out var header) ? header.ToString() : request.Query[QueryName].ToString();
        if (!secrets.IsApiKey(key))
        {
            return TypedResults.Problem(
                title: "Unauthorized",
                detail: $"This route needs the function key: the '{HeaderName}' header or the '{QueryName}' query parameter.",
                statusCode: StatusCodes.Status401Unauthorized);
        }

        return await next(context).ConfigureAwait(false);
    }
}
