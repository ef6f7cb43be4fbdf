using System.Globalization;
using BenchmarkDotNet.Attributes;
using CsvHelper;
using Rebalancing.Engine.Input;

namespace Rebalancing.Engine.Benchmarks;

/// <summary>
/// Issue 7's loader question: CsvHelper against the engine's span-based reader on a generated <c>inventory.csv</c>
/// (100k and 1M rows), each reading every row into the same typed columns (node and SKU indexes looked up by id,
/// integers, doubles, an empty weekly_demand as NaN). The span reader is the baseline; <see cref="WholeSnapshot"/>
/// adds what the real loader does on top (all files, every check, sorting, duplicates). The files are in memory, so
/// this measures parsing, not the disk.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Loader")]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 7)]
public partial class LoaderBenchmarks
{
    private static readonly CsvReaderOptions ReaderOptions = new() { TrackLineNumbers = true };
    private static readonly string[] Columns = ["node_id", "sku", "on_hand", "sales_4w", "in_transit", "reserved", "weekly_demand"];
    private Networks network = null!;
    private byte[] inventory = [];
    private Dictionary<string, int> nodes = null!;
    private Dictionary<string, int> skus = null!;
    private Table table = null!;

    /// <summary>80 x 2,000 is 109,954 rows; 200 x 7,300 is 1,002,122 rows.</summary>
    [Params("80x2000", "200x7300")]
    public string Size { get; set; } = "80x2000";

    [GlobalSetup]
    public void Setup()
    {
        network = Networks.Parse(Size);
        inventory = network.Bytes(SnapshotFiles.Inventory);
        var snapshot = SnapshotLoader.Load(network).Snapshot!;
        nodes = snapshot.Nodes.Select((n, i) => (n.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        skus = snapshot.Products.Select((p, i) => (p.Sku, i)).ToDictionary(x => x.Sku, x => x.i, StringComparer.Ordinal);
        table = new Table(snapshot.Inventory.Count);
    }

    [Benchmark(Baseline = true)]
    public int SpanReader()
    {
        var problems = new FileProblems(SnapshotFiles.Inventory, []);
        using var file = CsvFile.Open(new InventorySource(inventory), problems, Columns, requiredCount: 4)!;
        var nodeLookup = nodes.GetAlternateLookup<ReadOnlySpan<char>>();
        var skuLookup = skus.GetAlternateLookup<ReadOnlySpan<char>>();
        var t = table;
        t.Count = 0;
        while (file.Next())
        {
            nodeLookup.TryGetValue(file.Raw(0), out var node);
            skuLookup.TryGetValue(file.Raw(1), out var sku);
            t.Add(
                node,
                sku,
                (int)file.Integer(2, required: true)!.Value,
                (int)file.Integer(4, required: false, whenEmpty: 0)!.Value,
                (int)file.Integer(5, required: false, whenEmpty: 0)!.Value,
                file.Number(3, required: true)!.Value,
                file.Number(6, required: false) ?? double.NaN);
        }

        return t.Count + problems.ErrorCount;
    }

    /// <summary>
    /// CsvHelper 34's typed field access: numbers parsed from its UTF-8 field spans, ids copied to a char buffer and
    /// looked up without a string, line numbers tracked (the engine reports <c>FILE:LINE</c>).
    /// </summary>
    [Benchmark]
    public int CsvHelperFields()
    {
        using var csv = CsvReader.Create(new MemoryStream(inventory, writable: false), ReaderOptions, leaveOpen: false);
        csv.ReadHeader();
        var c = Columns.Select(name => csv.GetFieldIndex(name)).ToArray();
        var nodeLookup = nodes.GetAlternateLookup<ReadOnlySpan<char>>();
        var skuLookup = skus.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> id = stackalloc char[256];
        var t = table;
        t.Count = 0;
        while (csv.Read())
        {
            nodeLookup.TryGetValue(id[..csv.GetChars(c[0], id)], out var node);
            skuLookup.TryGetValue(id[..csv.GetChars(c[1], id)], out var sku);
            t.Add(
                node,
                sku,
                csv.Parse<int>(c[2]),
                csv.IsEmpty(c[4]) ? 0 : csv.Parse<int>(c[4]),
                csv.IsEmpty(c[5]) ? 0 : csv.Parse<int>(c[5]),
                csv.Parse<double>(c[3]),
                csv.IsEmpty(c[6]) ? double.NaN : csv.Parse<double>(c[6]));
        }

        return t.Count;
    }

    /// <summary>CsvHelper 34's records: a mapper its source generator writes for <see cref="InventoryRecord"/>.</summary>
    [Benchmark]
    public int CsvHelperRecords()
    {
        using var csv = CsvReader.Create(new MemoryStream(inventory, writable: false), ReaderOptions, leaveOpen: false);
        var t = table;
        t.Count = 0;
        foreach (var row in csv.GetRecords<InventoryRecord>())
        {
            nodes.TryGetValue(row.NodeId, out var node);
            skus.TryGetValue(row.Sku, out var sku);
            t.Add(node, sku, row.OnHand, row.InTransit ?? 0, row.Reserved ?? 0, row.Sales4w, row.WeeklyDemand ?? double.NaN);
        }

        return t.Count;
    }

    /// <summary>The real loader on the whole snapshot: every file, every check, sorting, duplicates.</summary>
    [Benchmark]
    public object? WholeSnapshot() => SnapshotLoader.Load(network).Snapshot;

    // The span reader opens files through ISnapshotSource; this hands it the same in-memory inventory.csv.
    private sealed class InventorySource(byte[] bytes) : ISnapshotSource
    {
        public Stream? OpenRead(string fileName) => new MemoryStream(bytes, writable: false);
    }

    [CsvRecord]
    public sealed partial class InventoryRecord
    {
        [CsvColumn("node_id")]
        public string NodeId { get; set; } = string.Empty;

        [CsvColumn("sku")]
        public string Sku { get; set; } = string.Empty;

        [CsvColumn("on_hand")]
        public int OnHand { get; set; }

        [CsvColumn("in_transit")]
        public int? InTransit { get; set; }

        [CsvColumn("reserved")]
        public int? Reserved { get; set; }

        [CsvColumn("sales_4w")]
        public double Sales4w { get; set; }

        [CsvColumn("weekly_demand")]
        public double? WeeklyDemand { get; set; }
    }

    /// <summary>The inventory columns the engine keeps.</summary>
    private sealed class Table(int capacity)
    {
        private readonly int[] node = new int[capacity];
        private readonly int[] sku = new int[capacity];
        private readonly int[] onHand = new int[capacity];
        private readonly int[] inTransit = new int[capacity];
        private readonly int[] reserved = new int[capacity];
        private readonly double[] sales = new double[capacity];
        private readonly double[] weekly = new double[capacity];

        public int Count { get; set; }

        public void Add(int n, int s, int h, int t, int r, double sales4w, double w)
        {
            node[Count] = n;
            sku[Count] = s;
            onHand[Count] = h;
            inTransit[Count] = t;
            reserved[Count] = r;
            sales[Count] = sales4w;
            weekly[Count] = w;
            Count++;
        }
    }
}
