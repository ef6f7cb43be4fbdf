using System.Text;
using Rebalancing.Engine.Input;

namespace Rebalancing.Engine.Tests.Support;

/// <summary>A snapshot held as file texts, for tests.</summary>
public sealed class MemorySnapshotSource(IReadOnlyDictionary<string, string> files) : ISnapshotSource
{
    public Stream? OpenRead(string fileName)
    {
        var match = files.Keys.FirstOrDefault(k => string.Equals(k, fileName, StringComparison.OrdinalIgnoreCase));
        return match is null ? null : new MemoryStream(Encoding.UTF8.GetBytes(files[match]));
    }
}
