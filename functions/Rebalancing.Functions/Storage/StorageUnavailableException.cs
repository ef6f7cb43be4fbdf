namespace Rebalancing.Functions.Storage;

/// <summary>
/// The store could not be reached, or kept failing, after the adapter's retries. Nothing was
/// half-written: every write is a single conditional request, so the caller may simply retry.
/// </summary>
internal sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
