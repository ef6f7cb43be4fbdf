using System.Text;
using Rebalancing.Engine.Input;
using Rebalancing.Engine.Synthetic;

namespace Rebalancing.Engine.Benchmarks;

/// <summary>Generated networks held in memory, so benchmarks measure the engine and not the disk.</summary>
internal sealed class Networks : ISnapshotSource
{
    private readonly Dictionary<string, byte[]> files = new(StringComparer.OrdinalIgnoreCase);

    public Networks(int stores, int skus)
    {
        var writers = new Dictionary<string, StringWriter>();
        NetworkGenerator.Generate(new NetworkGeneratorOptions { Stores = stores, Skus = skus, Seed = 1 }, name => writers[name] = new StringWriter());
        foreach (var (name, writer) in writers)
        {
            files[name] = Encoding.UTF8.GetBytes(writer.ToString());
        }
    }

    public Stream? OpenRead(string fileName) => files.TryGetValue(fileName, out var bytes) ? new MemoryStream(bytes, writable: false) : null;
}
