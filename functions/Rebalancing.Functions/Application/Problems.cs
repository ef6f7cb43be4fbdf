using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Application;

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

    public static ProblemHttpResult TooLarge(long limit) =>
        Create(StatusCodes.Status413PayloadTooLarge, "Payload Too Large", $"The request body is larger than {limit:N0} bytes, the most this route takes.");
}

/// <summary>A <c>{path, message}</c> error: the path names the request's own field (a route value, a query parameter, a body path).</summary>
internal sealed record PathError(string Path, string Message);

/// <summary>
/// Functions with ASP.NET Core integration return <see cref="IActionResult"/>; the handlers build minimal-API
/// <see cref="IResult"/>s (typed results, problem details), and this runs one as the other.
/// </summary>
internal sealed class HttpResultAction(IResult result) : IActionResult
{
    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return result.ExecuteAsync(context.HttpContext);
    }
}

/// <summary>Reading request bodies with a size cap and errors that name the request's fields.</summary>
internal static class RequestBodies
{
    /// <summary>The most a JSON body may hold (a run request with its policy and approvers is a few kilobytes).</summary>
    public const long MaxJsonBytes = 1024 * 1024;

    public static IActionResult ToAction(this IResult result) => new HttpResultAction(result);

    /// <summary>Reads at most <paramref name="limit"/> bytes; null when the body is larger.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.ContentLength > limit ? null : await ReadAtMostAsync(request.Body, limit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads a stream to its end; null as soon as it holds more than <paramref name="limit"/> bytes. A declared length
    /// is only a hint: a chunked body has none, so the count is what stops it.
    /// </summary>
    public static async Task<byte[]?> ReadAtMostAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Reads a JSON body: (default, null) when it is empty, a 413 past <see cref="MaxJsonBytes"/>, a 400 naming the
    /// body path (<c>approvers[0].elevated</c>) when it does not fit the route's shape.
    /// </summary>
    public static async Task<(T? Body, IResult? Problem)> ReadJsonAsync<T>(HttpRequest request, CancellationToken cancellationToken)
    {
        var bytes = await ReadAsync(request, MaxJsonBytes, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return (default, Problems.TooLarge(MaxJsonBytes));
        }

        if (bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return (default, null);
        }

        try
        {
            return (JsonSerializer.Deserialize<T>(bytes, StorageJson.Options), null);
        }
        catch (JsonException e)
        {
            var path = BodyPath(e.Path);
            return (default, Problems.BadRequest("The body is not valid JSON for this route.", new[] { new PathError(path, Describe(e)) }));
        }
    }

    /// <summary><c>$.approvers[0].elevated</c> → <c>approvers[0].elevated</c>; the whole body is <c>body</c>.</summary>
    private static string BodyPath(string? jsonPath) =>
        jsonPath is null or "$" ? "body" : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');

    /// <summary>What is wrong, in the request's terms (the serializer's message names .NET types).</summary>
    private static string Describe(JsonException e) =>
        e.Message.Contains("could not be converted", StringComparison.Ordinal) ? "has the wrong type for this field"
        : e.LineNumber is { } line ? $"is not valid JSON (line {line + 1}, position {e.BytePositionInLine + 1})"
        : "is not valid JSON";
}
