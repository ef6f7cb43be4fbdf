using Microsoft.AspNetCore.Http.HttpResults;

namespace Rebalancing.Functions.Triggers;

/// <summary>RFC 9457 problem details with the API's <c>errors</c> array.</summary>
internal static class Problems
{
    public static ProblemHttpResult Create(int status, string title, string detail, object? errors = null) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: status,
            title: title,
            extensions: errors is null ? null : new Dictionary<string, object?>(StringComparer.Ordinal) { ["errors"] = errors });

    public static ProblemHttpResult NotFound(string detail) => Create(StatusCodes.Status404NotFound, "Not Found", detail);

    public static ProblemHttpResult BadRequest(string detail, object? errors = null) => Create(StatusCodes.Status400BadRequest, "Bad Request", detail, errors);

    public static ProblemHttpResult Gone(string detail) => Create(StatusCodes.Status410Gone, "Gone", detail);
}

/// <summary>A <c>{path, message}</c> error.</summary>
internal sealed record PathError(string Path, string Message);
