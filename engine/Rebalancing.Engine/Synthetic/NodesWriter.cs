namespace Rebalancing.Engine.Synthetic;

/// <summary>Writes <c>nodes.csv</c>: warehouses, then stores grouped by cluster.</summary>
internal static class NodesWriter
{
    /// <summary>The header row.</summary>
    public const string Header = "node_id,name,type,cluster,latitude,longitude,capacity_units,receive_enabled,ship_enabled";

    /// <summary>Coordinates to five decimals (about a metre).</summary>
    private const string CoordinateFormat = "0.#####";

    /// <summary>
    /// Writes the file. <paramref name="storeUnits"/> is each store's on hand plus in transit,
    /// from which capacities are set.
    /// </summary>
    public static long Write(NetworkModel model, TextWriter writer, long[] storeUnits)
    {
        var csv = new CsvRowWriter(writer, Header);
        foreach (NodeModel warehouse in model.Warehouses)
        {
            WriteRow(csv, warehouse, clusterCode: null, capacity: null);
        }

        foreach (NodeModel store in model.Stores)
        {
            WriteRow(csv, store, model.Clusters[store.Cluster].Code, Capacity(model, store, storeUnits[store.Index]));
        }

        return csv.Rows;
    }

    /// <summary>A store's capacity from the units it holds; null when unlimited.</summary>
    private static long? Capacity(NetworkModel model, NodeModel store, long units)
    {
        var rng = Prng.For(model.Seed, RandomStream.Capacity, store.Index);
        return store.Capacity switch
        {
            CapacityKind.NearFull => units + rng.NextInt(0, (int)Math.Clamp(units / 50, 1, 1000)),
            CapacityKind.Roomy => (long)Math.Ceiling(units * rng.NextDouble(1.15, 1.8)),
            CapacityKind.Over => units * 95 / 100,
            _ => null,
        };
    }

    private static void WriteRow(CsvRowWriter csv, NodeModel node, string? clusterCode, long? capacity)
    {
        csv.Field(node.Id);
        csv.Field(node.Name);
        csv.Field(node.IsWarehouse ? "warehouse" : "store");
        csv.Field(clusterCode);
        csv.Field(node.Latitude, CoordinateFormat);
        csv.Field(node.Longitude, CoordinateFormat);
        if (capacity is long value)
        {
            csv.Field(value);
        }
        else
        {
            csv.Empty();
        }

        csv.Field(node.ReceiveEnabled);
        csv.Field(node.ShipEnabled);
        csv.EndRow();
    }
}
