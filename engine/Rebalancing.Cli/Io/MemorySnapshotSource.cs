using System.Text;
using Rebalancing.Engine.Input;

namespace Rebalancing.Cli.Io;

/// <summary>A generated snapshot held in memory.</summary>
internal sealed class MemorySnapshotSource : ISnapshotSource
{
    private readonly Dictionary<string, StringWriter> files = new(StringComparer.OrdinalIgnoreCase);

    public TextWriter Create(string name)
    {
        var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        files[name] = writer;
        return writer;
    }

    public Stream? OpenRead(string fileName) =>
        files.TryGetValue(fileName, out var writer) ? new MemoryStream(Encoding.UTF8.GetBytes(writer.ToString())) : null;
}
