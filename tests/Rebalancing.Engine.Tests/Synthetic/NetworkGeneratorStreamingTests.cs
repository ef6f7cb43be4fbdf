using System.Globalization;
using Rebalancing.Engine.Synthetic;

namespace Rebalancing.Engine.Tests.Synthetic;

/// <summary>Measures live memory, so it runs alone: parallel tests would allocate meanwhile.</summary>
[Collection(MemoryMeasuringTests.Name)]
public sealed class NetworkGeneratorStreamingTests
{
    [Fact]
    public void Generate_LargeNetwork_StreamsRowsWithoutKeepingThem()
    {
        var writers = new Dictionary<string, CountingWriter>(StringComparer.Ordinal);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        long midStream = 0;

        GeneratedNetworkInfo info = NetworkGenerator.Generate(
            new NetworkGeneratorOptions { Stores = 200, Skus = 5000 },
            name => writers[name] = new CountingWriter(
                measureAtLine: name == NetworkGenerator.InventoryFile ? 400_000 : -1,
                measure: () => midStream = GC.GetTotalMemory(forceFullCollection: true)));

        Assert.InRange(info.InventoryRows, 600_000, 800_000);
        Assert.Equal(info.InventoryRows + 1, writers[NetworkGenerator.InventoryFile].Lines);
        Assert.Equal(info.ProductRows + 1, writers[NetworkGenerator.ProductsFile].Lines);
        Assert.Equal(5000, info.ProductRows);
        Assert.Equal(2, info.Warehouses);

        // Tens of megabytes of text went through; halfway, live memory is only the model.
        Assert.True(writers[NetworkGenerator.InventoryFile].Characters > 20_000_000);
        Assert.NotEqual(0, midStream);
        Assert.True(midStream - before < 8_000_000, $"{midStream - before} bytes live halfway through inventory.csv");
    }

    /// <summary>Counts characters and lines, keeps nothing.</summary>
    private sealed class CountingWriter : TextWriter
    {
        private readonly long _measureAtLine;
        private readonly Action _measure;

        public CountingWriter(long measureAtLine, Action measure)
            : base(CultureInfo.InvariantCulture)
        {
            _measureAtLine = measureAtLine;
            _measure = measure;
        }

        public long Characters { get; private set; }

        public long Lines { get; private set; }

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value) => Write(new ReadOnlySpan<char>(in value));

        public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

        public override void Write(ReadOnlySpan<char> buffer)
        {
            Characters += buffer.Length;
            long lines = buffer.Count('\n');
            if (Lines < _measureAtLine && Lines + lines >= _measureAtLine)
            {
                _measure();
            }

            Lines += lines;
        }

        public override void Write(string? value) => Write(value.AsSpan());
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasuringTests
{
    public const string Name = "Memory measuring (serial)";
}
