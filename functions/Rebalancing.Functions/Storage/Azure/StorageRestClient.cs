using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Rebalancing.Functions.Storage.Azure;

/// <summary>Sends one REST request through the pipeline and turns transport failures into <see cref="StorageUnavailableException"/>.</summary>
internal abstract class StorageRestClient(HttpPipeline pipeline, Uri endpoint)
{
    protected Uri Endpoint { get; } = endpoint;

    protected HttpMessage CreateMessage(RequestMethod method, string relativePathAndQuery, RequestContent? content = null, string? contentType = null)
    {
        var message = pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(new Uri(Endpoint.AbsoluteUri.TrimEnd('/') + "/" + relativePathAndQuery));
        if (content is not null)
        {
            message.Request.Content = content;
        }
        else if (method == RequestMethod.Put || method == RequestMethod.Post)
        {
            message.Request.Content = RequestContent.Create(ReadOnlyMemory<byte>.Empty);
        }

        if (contentType is not null)
        {
            message.Request.Headers.SetValue("Content-Type", contentType);
        }

        return message;
    }

    /// <summary>Sends the message; statuses in <paramref name="expected"/> come back, any other raises <see cref="RequestFailedException"/>.</summary>
    protected async Task<Response> SendAsync(HttpMessage message, string operation, IReadOnlyCollection<int> expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException or HttpRequestException or IOException)
        {
            throw new StorageUnavailableException($"{operation} failed: {Endpoint.GetLeftPart(UriPartial.Authority)} did not answer after retries ({e.Message}).", e);
        }

        var response = message.Response;
        if (expected.Contains(response.Status))
        {
            return response;
        }

        if (StorageResponseClassifier.IsRetriableStatus(response.Status))
        {
            throw new StorageUnavailableException($"{operation} failed: the service kept answering {response.Status} after retries.", new RequestFailedException(response));
        }

        throw new RequestFailedException(response);
    }

    protected static string Seconds(TimeSpan span) =>
        ((long)Math.Ceiling(span.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
