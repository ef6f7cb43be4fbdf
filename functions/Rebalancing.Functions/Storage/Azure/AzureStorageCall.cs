using Azure;

namespace Rebalancing.Functions.Storage.Azure;

/// <summary>
/// Runs one Blob or Queue SDK call and maps what is left of a failure after the SDK's retries onto
/// the ports' conventions: a service that did not answer, or kept answering a transient status
/// (<see cref="IsTransient"/>), becomes <see cref="StorageUnavailableException"/> naming the
/// endpoint and the operation. Expected answers (404, 409, 412, a stale pop receipt) are handled by
/// the adapters before they get here; any other <see cref="RequestFailedException"/> (400, 403, ...)
/// is a bug or a misconfiguration and goes to the caller unchanged.
/// </summary>
internal static class AzureStorageCall
{
    /// <summary>408, 429 and the 5xx family except 501 and 505: the statuses the SDK retries and no caller can act on.</summary>
    public static bool IsTransient(int status) =>
        status is 408 or 429 || (status >= 500 && status <= 599 && status is not 501 and not 505);

    public static async Task<T> RunAsync<T>(Uri endpoint, string operation, Func<Task<T>> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 0)
        {
            // No HTTP answer at all (connection refused or reset, DNS): the SDK's last attempt failed in transport.
            throw DidNotAnswer(endpoint, operation, e);
        }
        catch (RequestFailedException e) when (IsTransient(e.Status))
        {
            throw new StorageUnavailableException(
                $"{operation} failed: {Authority(endpoint)} kept answering {e.Status} ({e.ErrorCode}) after retries.", e);
        }
        catch (AggregateException e)
        {
            // Azure.Core's retry policy gathers every attempt's transport failure into one AggregateException.
            throw DidNotAnswer(endpoint, operation, e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw DidNotAnswer(endpoint, operation, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // The SDK's network timeout, not the caller's cancellation.
            throw DidNotAnswer(endpoint, operation, e);
        }
    }

    private static StorageUnavailableException DidNotAnswer(Uri endpoint, string operation, Exception e) =>
        new($"{operation} failed: {Authority(endpoint)} did not answer after retries ({e.Message.Split('\n')[0].Trim()}).", e);

    private static string Authority(Uri endpoint) => endpoint.GetLeftPart(UriPartial.Authority);
}
