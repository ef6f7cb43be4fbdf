using System.Globalization;
using Rebalancing.Engine.Synthetic;
using Rebalancing.Engine.Tests.Support;

namespace Rebalancing.Engine.Tests.Synthetic;

/// <summary>A network generated into memory, with its files as text and as parsed tables.</summary>
internal sealed class GeneratedSnapshot
{
    private readonly Dictionary<string, StringWriter> _writers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CsvTable> _tables = new(StringComparer.Ordinal);

    private GeneratedSnapshot(NetworkGeneratorOptions options)
    {
        Options = options;
        Info = NetworkGenerator.Generate(options, Open);
    }

    public NetworkGeneratorOptions Options { get; }

    public GeneratedNetworkInfo Info { get; }

    public IReadOnlyCollection<string> FileNames => _writers.Keys;

    public CsvTable Nodes => Table(NetworkGenerator.NodesFile);

    public CsvTable Products => Table(NetworkGenerator.ProductsFile);

    public CsvTable Inventory => Table(NetworkGenerator.InventoryFile);

    public CsvTable Freight => Table(NetworkGenerator.FreightFile);

    public CsvTable RecentMoves => Table(NetworkGenerator.RecentMovesFile);

    public DateTimeOffset AsOf => Options.AsOf.ToUniversalTime();

    public static GeneratedSnapshot Generate(int stores, int skus, long seed = 1, int? clusters = null, int? warehouses = null) =>
        new(new NetworkGeneratorOptions { Stores = stores, Skus = skus, Seed = seed, Clusters = clusters, Warehouses = warehouses });

    public static GeneratedSnapshot Generate(NetworkGeneratorOptions options) => new(options);

    public string Text(string file) => _writers[file].ToString();

    public CsvTable Table(string file)
    {
        if (!_tables.TryGetValue(file, out CsvTable? table))
        {
            table = CsvTable.Parse(Text(file));
            _tables[file] = table;
        }

        return table;
    }

    private StringWriter Open(string name)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        _writers.Add(name, writer);
        return writer;
    }
}

/// <summary>A parsed CSV file (RFC 4180): a header and rows of fields addressed by column name.</summary>
internal sealed class CsvTable
{
    private readonly Dictionary<string, int> _columns;

    private CsvTable(string[] header, List<string[]> rows)
    {
        Header = header;
        Rows = rows;
        _columns = header.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
    }

    public string[] Header { get; }

    public List<string[]> Rows { get; }

    public string Get(string[] row, string column) => row[_columns[column]];

    public int Int(string[] row, string column) => int.Parse(Get(row, column), NumberStyles.None, CultureInfo.InvariantCulture);

    public decimal Decimal(string[] row, string column) =>
        decimal.Parse(Get(row, column), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    public IEnumerable<string> Column(string column) => Rows.Select(r => Get(r, column));

    public static CsvTable Parse(string text)
    {
        Assert.DoesNotContain('\r', text);
        Assert.True(text.EndsWith('\n'), "the file must end with a line break");
        var records = Csv.Records(text);
        Assert.NotEmpty(records);
        string[] header = [.. records[0]];
        List<string[]> rows = [.. records.Skip(1).Select(r => r.ToArray())];
        Assert.All(rows, r => Assert.Equal(header.Length, r.Length));
        return new CsvTable(header, rows);
    }
}
