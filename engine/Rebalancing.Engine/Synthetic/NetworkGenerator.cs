namespace Rebalancing.Engine.Synthetic;

/// <summary>
/// Generates a synthetic but realistic retail network as a snapshot (snapshot-format.md):
/// South African clusters, stores of skewed size, styles with size curves, and inventory
/// with stockouts, overstock, fragments and dead stock, so that every engine rule is
/// exercised. Deterministic: the same options give byte-identical files on any machine.
/// </summary>
/// <remarks>See docs/generator.md for the model.</remarks>
public static class NetworkGenerator
{
    /// <summary><c>snapshot.json</c></summary>
    public const string SnapshotFile = "snapshot.json";

    /// <summary><c>nodes.csv</c></summary>
    public const string NodesFile = "nodes.csv";

    /// <summary><c>products.csv</c></summary>
    public const string ProductsFile = "products.csv";

    /// <summary><c>inventory.csv</c></summary>
    public const string InventoryFile = "inventory.csv";

    /// <summary><c>freight.csv</c></summary>
    public const string FreightFile = "freight.csv";

    /// <summary><c>recent_moves.csv</c></summary>
    public const string RecentMovesFile = "recent_moves.csv";

    /// <summary>The files <see cref="Generate"/> writes, in the order it opens them.</summary>
    public static IReadOnlyList<string> Files { get; } =
        [SnapshotFile, ProductsFile, InventoryFile, NodesFile, FreightFile, RecentMovesFile];

    /// <summary>
    /// Writes the six files of a snapshot through writers the caller opens, one file at a
    /// time, in the order of <see cref="Files"/>. Rows are streamed: memory grows with
    /// stores and styles, never with inventory rows.
    /// </summary>
    /// <param name="options">What to generate; validated first.</param>
    /// <param name="openFile">
    /// Opens a writer for a file name (the caller owns where it goes and its encoding;
    /// UTF-8 is expected). The generator writes text with <c>\n</c> line endings, then
    /// flushes and disposes the writer before it opens the next file.
    /// </param>
    /// <returns>Node counts and the data rows written per file.</returns>
    /// <exception cref="ArgumentNullException">An argument is null, or <paramref name="openFile"/> returned null.</exception>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="NetworkGeneratorOptions.Validate"/>).</exception>
    public static GeneratedNetworkInfo Generate(NetworkGeneratorOptions options, Func<string, TextWriter> openFile)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(openFile);
        options.Validate();

        var model = NetworkModel.Build(options);
        var storeUnits = new long[model.Stores.Length];

        WriteFile(openFile, SnapshotFile, w => SnapshotJsonWriter.Write(options, w));
        long products = WriteFile(openFile, ProductsFile, w => ProductsWriter.Write(model, w));
        long inventory = WriteFile(openFile, InventoryFile, w => InventoryWriter.Write(model, w, storeUnits));
        WriteFile(openFile, NodesFile, w => NodesWriter.Write(model, w, storeUnits));
        long freight = WriteFile(openFile, FreightFile, w => FreightWriter.Write(model, w));
        long moves = WriteFile(openFile, RecentMovesFile, w => RecentMovesWriter.Write(model, w));

        return new GeneratedNetworkInfo
        {
            SnapshotId = options.SnapshotId,
            Stores = model.Stores.Length,
            Warehouses = model.Warehouses.Length,
            Clusters = model.Clusters.Length,
            Styles = model.Styles.Length,
            ProductRows = checked((int)products),
            InventoryRows = inventory,
            FreightRows = checked((int)freight),
            RecentMoveRows = checked((int)moves),
        };
    }

    private static void WriteFile(Func<string, TextWriter> openFile, string name, Action<TextWriter> write) =>
        WriteFile(openFile, name, w =>
        {
            write(w);
            return 0L;
        });

    private static long WriteFile(Func<string, TextWriter> openFile, string name, Func<TextWriter, long> write)
    {
        TextWriter writer = openFile(name)
            ?? throw new ArgumentNullException(nameof(openFile), $"openFile returned null for {name}.");
        using (writer)
        {
            long rows = write(writer);
            writer.Flush();
            return rows;
        }
    }
}
