using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Rebalancing.Engine.Input;
using Rebalancing.Engine.Model;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Policies;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Rebalances;

/// <summary>
/// What a run plans from: the stored snapshot bundle with the ledger's recent moves added to its
/// <c>recent_moves.csv</c> (so later runs respect the cool-down and change caps of moves this app applied), and the
/// effective policy. The same inputs always give the same bytes, so every activity of a run, on any worker, plans from
/// exactly what the first one did. Sessions are cached per process by the inputs' hash.
/// </summary>
internal sealed class PlanningInputs(ISnapshotStore snapshots)
{
    private const int CacheSize = 8;
    private readonly ConcurrentDictionary<string, Lazy<Task<PlanningSession>>> sessions = new(StringComparer.Ordinal);

    /// <summary>The bundle with <paramref name="ledgerMoves"/> merged into its recent moves (unchanged when there are none).</summary>
    public static byte[] WithRecentMoves(byte[] bundle, IReadOnlyList<RecentMove> ledgerMoves)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(ledgerMoves);
        if (ledgerMoves.Count == 0)
        {
            return bundle;
        }

        using var input = new ZipArchive(new MemoryStream(bundle), ZipArchiveMode.Read);
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in input.Entries.Where(e => !e.FullName.EndsWith('/')))
        {
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[entry.Name] = copy.ToArray();
        }

        var existing = files.TryGetValue(SnapshotFiles.RecentMoves, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
        files[SnapshotFiles.RecentMoves] = Encoding.UTF8.GetBytes(MergeRecentMoves(existing, ledgerMoves));

        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                entry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
                using var stream = entry.Open();
                stream.Write(content);
            }
        }

        return output.ToArray();
    }

    /// <summary>Appends ledger moves to a <c>recent_moves.csv</c> text, skipping rows it already has (same SKU, nodes, units and instant).</summary>
    public static string MergeRecentMoves(string? existingCsv, IReadOnlyList<RecentMove> ledgerMoves)
    {
        ArgumentNullException.ThrowIfNull(ledgerMoves);
        var text = new StringBuilder();
        var known = new HashSet<string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(existingCsv))
        {
            text.Append("sku,from_node,to_node,quantity,applied_at\n");
        }
        else
        {
            var lines = existingCsv.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
            var header = lines[0].Split(',').Select(h => h.Trim().ToLowerInvariant()).ToList();
            int Col(string name) => header.IndexOf(name);
            foreach (var line in lines.Skip(1))
            {
                var cells = line.Split(',');
                if (cells.Length == header.Count
                    && DateTimeOffset.TryParse(cells[Col("applied_at")], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                {
                    known.Add(Key(cells[Col("sku")], cells[Col("from_node")], cells[Col("to_node")], cells[Col("quantity")], at));
                }
            }

            text.Append(existingCsv.TrimEnd('\r', '\n')).Append('\n');
        }

        foreach (var move in ledgerMoves)
        {
            var quantity = move.Quantity.ToString(CultureInfo.InvariantCulture);
            if (known.Add(Key(move.Sku, move.FromNode, move.ToNode, quantity, move.AppliedAt)))
            {
                text.Append(CultureInfo.InvariantCulture, $"{move.Sku},{move.FromNode},{move.ToNode},{quantity},{StorageJson.SortableInstant(move.AppliedAt)}\n");
            }
        }

        return text.ToString();
    }

    /// <summary>SHA-256 (lowercase hex) of what a run plans from.</summary>
    public static string Hash(byte[] planningBundle) => Convert.ToHexStringLower(SHA256.HashData(planningBundle));

    /// <summary>Loads a planning bundle and policy, or says why they cannot be planned from.</summary>
    public static (Snapshot? Snapshot, Policy? Policy, string? Problem) Load(byte[] planningBundle, string? policyJson)
    {
        ArgumentNullException.ThrowIfNull(planningBundle);
        Policy policy;
        if (policyJson is null)
        {
            policy = Policy.Default;
        }
        else
        {
            var read = PolicyReader.Read(policyJson);
            if (!read.IsSuccess)
            {
                return (null, null, "policy: " + string.Join("; ", read.Problems.Select(p => p.ToString())));
            }

            policy = read.Policy;
        }

        SnapshotLoadResult loaded;
        try
        {
            using var source = new ZipSnapshotSource(new MemoryStream(planningBundle));
            loaded = SnapshotLoader.Load(source);
        }
        catch (InvalidDataException e)
        {
            return (null, null, "snapshot: " + e.Message);
        }

        return loaded.Snapshot is null
            ? (null, null, "snapshot: " + string.Join("; ", loaded.Errors.Take(5).Select(p => p.ToString())))
            : (loaded.Snapshot, policy, null);
    }

    /// <summary>The planning session of a run's inputs (cached per process).</summary>
    public Task<PlanningSession> SessionAsync(string orgId, string snapshotId, IReadOnlyList<RecentMove> ledgerMoves, string policyJson, string planningInputHash, CancellationToken cancellationToken)
    {
        var key = planningInputHash + "|" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(policyJson)));
        if (sessions.Count > CacheSize)
        {
            sessions.Clear();
        }

        var lazy = sessions.GetOrAdd(key, _ => new Lazy<Task<PlanningSession>>(async () =>
        {
            var bundle = await snapshots.GetBundleAsync(orgId, snapshotId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"snapshot '{snapshotId}' of org '{orgId}' is gone");
            var planning = WithRecentMoves(bundle, ledgerMoves);
            var (snapshot, policy, problem) = Load(planning, policyJson);
            return snapshot is null || policy is null
                ? throw new InvalidOperationException(problem)
                : new PlanningSession(snapshot, policy);
        }));
        return RemoveOnFailure(key, lazy);
    }

    private async Task<PlanningSession> RemoveOnFailure(string key, Lazy<Task<PlanningSession>> lazy)
    {
        try
        {
            return await lazy.Value.ConfigureAwait(false);
        }
        catch
        {
            sessions.TryRemove(key, out _);
            throw;
        }
    }

    private static string Key(string sku, string from, string to, string quantity, DateTimeOffset at) =>
        $"{sku.Trim()}\u001f{from.Trim()}\u001f{to.Trim()}\u001f{quantity.Trim()}\u001f{at.UtcTicks}";
}
