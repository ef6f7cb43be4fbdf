namespace Rebalancing.Engine.Input;

/// <summary>
/// The files of a snapshot, by name. The engine does no I/O of its own: callers hand it a source over a folder,
/// a zip or memory.
/// </summary>
public interface ISnapshotSource
{
    /// <summary>Opens a file of the snapshot for reading.</summary>
    /// <param name="fileName">A file name such as <c>nodes.csv</c>, matched case-insensitively.</param>
    /// <returns>A readable stream the caller disposes, or <see langword="null"/> when the file does not exist.</returns>
    Stream? OpenRead(string fileName);
}
