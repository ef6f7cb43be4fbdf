using Rebalancing.Engine.Input;

namespace Rebalancing.Cli.Io;

/// <summary>A snapshot folder on disk; file names are matched case-insensitively.</summary>
internal sealed class DirectorySnapshotSource(string directory) : ISnapshotSource
{
    public Stream? OpenRead(string fileName)
    {
        var exact = Path.Combine(directory, fileName);
        if (File.Exists(exact))
        {
            return new FileStream(exact, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }

        var match = Directory.EnumerateFiles(directory)
            .Where(f => string.Equals(Path.GetFileName(f), fileName, StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();
        return match is null ? null : new FileStream(match, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
    }
}
