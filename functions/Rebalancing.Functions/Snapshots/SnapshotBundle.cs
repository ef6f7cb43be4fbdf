using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Rebalancing.Engine.Input;

namespace Rebalancing.Functions.Snapshots;

/// <summary>
/// What a zipped snapshot holds, read before the engine's loader: the snapshot's files (at the root of the zip, or
/// all inside one top-level folder, as <see cref="ZipSnapshotSource"/> reads them), the entries it refuses (an entry
/// with a path of its own: <c>../x.csv</c>, <c>dir/x.csv</c> beside the files, <c>/x.csv</c>, a backslash; two files
/// of the same name), the files it ignores with a warning (snapshot-format.md: files other than those named are
/// ignored), and the content hash.
/// </summary>
/// <remarks>
/// The content hash judges "the same snapshot" by its files, not by the zip's bytes: re-zipping the same files in
/// another order, at another compression level or with other timestamps gives the same hash. It is the lowercase hex
/// SHA-256 of the lines <c>{name}\0{lowercase hex SHA-256 of the file's bytes}\n</c>, one per snapshot file present,
/// names lowercased and in ordinal order. Ignored files are not part of it.
/// </remarks>
internal sealed record SnapshotBundle(string ContentHash, IReadOnlyList<SnapshotError> Errors, IReadOnlyList<SnapshotError> Warnings)
{
    /// <summary>The files snapshot-format.md names; every other file is ignored.</summary>
    public static readonly IReadOnlySet<string> KnownFiles = new HashSet<string>(
        [SnapshotFiles.Header, SnapshotFiles.Nodes, SnapshotFiles.Products, SnapshotFiles.Inventory, SnapshotFiles.Freight, SnapshotFiles.RecentMoves],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads the zip's entries; throws <see cref="InvalidDataException"/> when it is not a readable zip.</summary>
    public static SnapshotBundle Read(ReadOnlyMemory<byte> bundle)
    {
        using var stream = new MemoryStream(bundle.ToArray(), writable: false);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
        // What an archiver adds beside the files (__MACOSX/, .DS_Store) is skipped silently, as the loader skips it.
        var files = zip.Entries.Where(e => !e.FullName.EndsWith('/') && !ZipSnapshotSource.IsArchiverMetadata(e.FullName)).ToList();
        var folder = CommonFolder(files);
        var errors = new List<SnapshotError>();
        var warnings = new List<SnapshotError>();
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in files)
        {
            var name = entry.FullName[folder.Length..];
            if (HasPath(entry.FullName, name))
            {
                errors.Add(new SnapshotError(entry.FullName, null,
                    "the entry has a path: a snapshot's files sit at the root of the zip, or all in one top-level folder, with plain names"));
                continue;
            }

            if (!KnownFiles.Contains(name))
            {
                warnings.Add(new SnapshotError(name, null, "not a file of the snapshot format: ignored"));
                continue;
            }

            using var content = entry.Open();
            if (!hashes.TryAdd(name.ToLowerInvariant(), Convert.ToHexStringLower(SHA256.HashData(content))))
            {
                errors.Add(new SnapshotError(name, null, $"the zip holds two files named {name.ToLowerInvariant()}"));
            }
        }

        var canonical = new StringBuilder();
        foreach (var (name, hash) in hashes)
        {
            canonical.Append(name).Append('\0').Append(hash).Append('\n');
        }

        return new(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString()))), errors, warnings);
    }

    /// <summary>
    /// <c>"folder/"</c> when no file sits at the root and every file sits in one top-level folder (a zipped folder);
    /// else <c>""</c>.
    /// </summary>
    private static string CommonFolder(List<ZipArchiveEntry> files)
    {
        if (files.Count == 0 || files.Any(e => !e.FullName.Contains('/', StringComparison.Ordinal)))
        {
            return "";
        }

        var folders = files.Select(e => e.FullName[..(e.FullName.IndexOf('/', StringComparison.Ordinal) + 1)]).Distinct(StringComparer.Ordinal).ToList();
        return folders is [var only] && only is not ("/" or "../" or "./") ? only : "";
    }

    private static bool HasPath(string fullName, string name) =>
        name.Length == 0
        || name.Contains('/', StringComparison.Ordinal)
        || fullName.Contains('\\', StringComparison.Ordinal)
        || fullName.StartsWith('/')
        || fullName.Split('/').Any(segment => segment is ".." or ".")
        || name.Contains(':', StringComparison.Ordinal);
}
