using Azure.Core;

namespace Rebalancing.Functions.Storage.Azure;

/// <summary>
/// Which storage responses are worth another attempt: 408 (timeout), 429 (throttled) and the 5xx
/// family except 501 and 505 (which no retry fixes). Everything else, including 409 and 412
/// (the expected outcomes of conditional writes), goes straight back to the caller.
/// </summary>
internal sealed class StorageResponseClassifier : ResponseClassifier
{
    public static bool IsRetriableStatus(int status) =>
        status is 408 or 429 || (status >= 500 && status <= 599 && status is not 501 and not 505);

    public override bool IsRetriableResponse(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return IsRetriableStatus(message.Response.Status);
    }

    public override bool IsErrorResponse(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Response.Status >= 400;
    }
}
