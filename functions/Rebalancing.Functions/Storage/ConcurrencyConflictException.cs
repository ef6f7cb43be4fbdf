namespace Rebalancing.Functions.Storage;

/// <summary>A conditional write lost: the document changed since the caller read its ETag. Re-read and retry.</summary>
internal sealed class ConcurrencyConflictException : Exception
{
    public ConcurrencyConflictException()
    {
    }

    public ConcurrencyConflictException(string message)
        : base(message)
    {
    }

    public ConcurrencyConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
