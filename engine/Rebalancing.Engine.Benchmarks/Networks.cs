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

    /// <summary>The bytes of one generated file.</summary>
    public byte[] Bytes(string fileName) => files[fileName];

    /// <summary>A network from a size written <c>STORESxSKUS</c>, e.g. <c>40x1000</c>.</summary>
    public static Networks Parse(string size)
    {
        var parts = size.Split('x');
        return new Networks(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    public Stream? OpenRead(string fileName) => files.TryGetValue(fileName, out var bytes) ? new MemoryStream(bytes, writable: false) : null;
}
