using System.IO.Compression;
using System.Text;
using Rebalancing.Engine.Synthetic;

namespace Rebalancing.Functions.Application;

/// <summary>A generated snapshot bundle (the engine's synthetic network, zipped in memory).</summary>
internal static class DemoSnapshot
{
    public static byte[] Create(NetworkGeneratorOptions options)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            NetworkGenerator.Generate(options, name => new StreamWriter(zip.CreateEntry(name, CompressionLevel.Fastest).Open(), new UTF8Encoding(false)));
        }

        return buffer.ToArray();
    }
}
