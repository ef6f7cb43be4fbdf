using System.Collections.Concurrent;
using System.Security.Cryptography;
using Rebalancing.Functions.Storage.Blobs;

namespace Rebalancing.Functions.Storage.Embedded;

/// <summary>
/// Blobs as files under <c>{root}/{container}/</c>. Every write goes to a temporary file first and is
/// renamed into place, so a reader (or a crash) never sees half a blob. The ETag is the SHA-256 of
/// the content; conditional replaces are serialised per path within the process.
/// </summary>
internal sealed class FileBlobContainer : IBlobContainer
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> PathLocks = new(StringComparer.Ordinal);
    private readonly string directory;

    public FileBlobContainer(string root, string name)
    {
        Name = name;
        directory = Path.GetFullPath(Path.Combine(root, name));
    }

    public string Name { get; }

    public async Task<bool> CreateIfAbsentAsync(string path, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        var target = Resolve(path);
        if (File.Exists(target))
        {
            return false;
        }

        var temp = await WriteTempAsync(target, content, cancellationToken).ConfigureAwait(false);
        try
        {
            File.Move(temp, target, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(target))
        {
            return false;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public async Task<BlobContent?> GetAsync(string path, CancellationToken cancellationToken)
    {
        var target = Resolve(path);
        try
        {
            var content = await File.ReadAllBytesAsync(target, cancellationToken).ConfigureAwait(false);
            return new(content, ETagOf(content));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public async Task<bool> ReplaceAsync(string path, ReadOnlyMemory<byte> content, string contentType, string ifMatch, CancellationToken cancellationToken)
    {
        var target = Resolve(path);
        var gate = PathLocks.GetOrAdd(target, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = await GetAsync(path, cancellationToken).ConfigureAwait(false);
            if (current is null || !string.Equals(current.ETag, ifMatch, StringComparison.Ordinal))
            {
                return false;
            }

            var temp = await WriteTempAsync(target, content, cancellationToken).ConfigureAwait(false);
            File.Move(temp, target, overwrite: true);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    public Task<IReadOnlyList<string>> ListTopLevelFoldersAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<string> folders = Directory.Exists(directory)
            ? [.. Directory.EnumerateDirectories(directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)]
            : [];
        return Task.FromResult(folders);
    }

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        IReadOnlyList<string> paths = Directory.Exists(directory)
            ? [.. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
                .Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal))
                .Select(f => Path.GetRelativePath(directory, f).Replace(Path.DirectorySeparatorChar, '/'))
                .Where(p => p.StartsWith(prefix, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)]
            : [];
        return Task.FromResult(paths);
    }

    public Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        return Task.CompletedTask;
    }

    private static string ETagOf(byte[] content) => "\"" + Convert.ToHexStringLower(SHA256.HashData(content)) + "\"";

    private static async Task<string> WriteTempAsync(string target, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = $"{target}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp";
        var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        return temp;
    }

    private string Resolve(string path)
    {
        var full = Path.GetFullPath(Path.Combine(directory, path));
        if (!full.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Blob path '{path}' leaves its container.", nameof(path));
        }

        return full;
    }
}
