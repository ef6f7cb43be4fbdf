using System.IO.Compression;

namespace Rebalancing.Engine.Input;

/// <summary>
/// A snapshot zipped: the files at the root of the archive, or inside one top-level folder (a zipped folder).
/// </summary>
public sealed class ZipSnapshotSource : ISnapshotSource, IDisposable
{
    private readonly ZipArchive archive;
    private readonly Dictionary<string, ZipArchiveEntry> entries = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Opens a zip held in a stream.</summary>
    /// <param name="zip">A readable, seekable stream of a zip archive.</param>
    /// <exception cref="InvalidDataException">The stream is not a zip archive.</exception>
    public ZipSnapshotSource(Stream zip)
    {
        archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: false);
        var files = archive.Entries.Where(e => !e.FullName.EndsWith('/') && !IsArchiverMetadata(e.FullName)).ToList();
        var atRoot = files.Where(e => !e.FullName.Contains('/', StringComparison.Ordinal)).ToList();
        var chosen = atRoot;
        if (atRoot.Count == 0)
        {
            // A zipped folder: every file sits under one top-level directory.
            var folders = files.Select(e => e.FullName[..e.FullName.IndexOf('/', StringComparison.Ordinal)]).Distinct(StringComparer.Ordinal).ToList();
            if (folders.Count == 1)
            {
                chosen = files.Where(e => e.FullName.Count(c => c == '/') == 1).ToList();
            }
        }

        foreach (var entry in chosen)
        {
            entries.TryAdd(entry.Name, entry);
        }
    }

    /// <summary>
    /// Whether an entry is what an archiver adds beside the files (macOS's <c>__MACOSX/</c> folder and <c>._</c>
    /// resource forks, <c>.DS_Store</c>, Windows' <c>Thumbs.db</c> and <c>desktop.ini</c>): not part of the snapshot,
    /// and not a second top-level folder, so a folder zipped on a Mac reads as the folder.
    /// </summary>
    /// <param name="fullName">The entry's path in the archive.</param>
    /// <returns>True to skip the entry.</returns>
    public static bool IsArchiverMetadata(string fullName)
    {
        ArgumentNullException.ThrowIfNull(fullName);
        var name = fullName[(fullName.LastIndexOf('/') + 1)..];
        return fullName.StartsWith("__MACOSX/", StringComparison.Ordinal)
            || name.StartsWith("._", StringComparison.Ordinal)
            || name is ".DS_Store" or "Thumbs.db" or "desktop.ini";
    }

    /// <inheritdoc/>
    public Stream? OpenRead(string fileName) => entries.TryGetValue(fileName, out var entry) ? entry.Open() : null;

    /// <inheritdoc/>
    public void Dispose() => archive.Dispose();
}
