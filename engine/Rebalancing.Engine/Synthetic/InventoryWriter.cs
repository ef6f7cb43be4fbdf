namespace Rebalancing.Engine.Synthetic;

/// <summary>
/// Streams <c>inventory.csv</c>: warehouses first, then stores, style by style, a row for
/// every size of each style the node carries. Each (node, style) block draws from its own
/// random stream, so nothing but per-store totals is kept.
/// </summary>
internal sealed class InventoryWriter
{
    /// <summary>The header row.</summary>
    public const string Header = "node_id,sku,on_hand,in_transit,reserved,sales_4w,weekly_demand";

    private readonly NetworkModel _model;
    private readonly CsvRowWriter _csv;
    private readonly bool[] _present = new bool[16];

    private InventoryWriter(NetworkModel model, TextWriter writer)
    {
        _model = model;
        _csv = new CsvRowWriter(writer, Header);
    }

    /// <summary>What a store holds of one style; drawn once per (store, style).</summary>
    private enum Scenario
    {
        /// <summary>A few weeks of cover (at least one unit a size), the odd size sold out.</summary>
        Normal,

        /// <summary>About two sizes in five sold out.</summary>
        Broken,

        /// <summary>Many weeks of cover.</summary>
        Overstock,

        /// <summary>Scattered single units, never two adjacent sizes: not a viable run.</summary>
        Fragment,

        /// <summary>Stock but no demand.</summary>
        Dead,
    }

    /// <summary>
    /// Writes the file and returns the data rows written; <paramref name="storeUnits"/>
    /// receives each store's on hand plus in transit, for its capacity.
    /// </summary>
    public static long Write(NetworkModel model, TextWriter writer, long[] storeUnits)
    {
        var inventory = new InventoryWriter(model, writer);
        foreach (NodeModel warehouse in model.Warehouses)
        {
            foreach (StyleModel style in model.Styles)
            {
                if (model.Carries(warehouse, style))
                {
                    inventory.WriteWarehouseStyle(warehouse, style);
                }
            }
        }

        foreach (NodeModel store in model.Stores)
        {
            long units = 0;
            foreach (StyleModel style in model.Styles)
            {
                if (model.Carries(store, style))
                {
                    units += inventory.WriteStoreStyle(store, style);
                }
            }

            storeUnits[store.Index] = units;
        }

        return inventory._csv.Rows;
    }

    private static Scenario PickScenario(ref Prng rng, StyleModel style)
    {
        (double fragment, double dead, double overstock, double broken) = style.Lifecycle switch
        {
            Lifecycle.New => (0.01, 0.02, 0.03, 0.15),
            Lifecycle.Core => (0.03, 0.04, 0.08, 0.08),
            Lifecycle.Clearance => (0.25, 0.12, 0.12, 0.15),
            _ => (0.30, 0.20, 0.10, 0.15),
        };
        double u = rng.NextDouble();
        Scenario scenario = u < fragment ? Scenario.Fragment
            : u < fragment + dead ? Scenario.Dead
            : u < fragment + dead + overstock ? Scenario.Overstock
            : u < fragment + dead + overstock + broken ? Scenario.Broken
            : Scenario.Normal;

        // A single size is always a viable run: it cannot be a fragment.
        return scenario == Scenario.Fragment && style.Sizes.Length == 1 ? Scenario.Normal : scenario;
    }

    private long WriteStoreStyle(NodeModel store, StyleModel style)
    {
        var rng = Prng.For(_model.Seed, RandomStream.StoreInventory, store.Index, style.Index);
        double styleRate = style.LifecycleRate * store.Multiplier * _model.Affinity(style, store.Cluster);
        Scenario scenario = PickScenario(ref rng, style);
        double cover = style.Lifecycle == Lifecycle.New ? rng.NextDouble(0.5, 3) : rng.NextDouble(2, 9);
        bool forecast = rng.Chance(store.ForecastShare);
        if (scenario == Scenario.Fragment)
        {
            ScatterSingles(ref rng, style.Sizes.Length);
        }

        long units = 0;
        for (int i = 0; i < style.Sizes.Length; i++)
        {
            double rate = styleRate * style.SizeWeights[i];
            int onHand;
            switch (scenario)
            {
                case Scenario.Broken:
                    onHand = rng.Chance(0.4) ? 0 : Math.Max(1, rng.NextPoisson(rate * cover));
                    break;
                case Scenario.Overstock:
                    onHand = rng.NextPoisson(rate * rng.NextDouble(16, 40)) + rng.NextInt(3, 10);
                    break;
                case Scenario.Fragment:
                    onHand = _present[i] ? (rng.Chance(0.85) ? 1 : 2) : 0;
                    rate *= 0.5;
                    break;
                case Scenario.Dead:
                    onHand = rng.Chance(0.3) ? 0 : rng.NextInt(1, 5);
                    rate = 0;
                    break;
                default:
                    // Every size keeps at least a unit on display, but the odd size has sold out.
                    onHand = rng.Chance(0.06) ? 0 : Math.Max(1, rng.NextPoisson(rate * cover));
                    break;
            }

            double transitChance = scenario == Scenario.Fragment ? 0 : style.Lifecycle == Lifecycle.New ? 0.15 : 0.04;
            int inTransit = rng.Chance(transitChance) ? rng.NextInt(1, 4) : 0;
            int reserved = onHand > 0 && rng.Chance(0.04) ? rng.NextInt(1, Math.Min(onHand, 3)) : 0;
            int sales = rng.NextPoisson(4 * rate * (onHand == 0 ? 0.5 : 1));
            double? weekly = forecast ? Math.Round(rate * rng.NextDouble(0.8, 1.25), 2) : null;
            WriteRow(store, style, i, onHand, inTransit, reserved, sales, weekly);
            units += onHand + inTransit;
        }

        return units;
    }

    private void WriteWarehouseStyle(NodeModel warehouse, StyleModel style)
    {
        var rng = Prng.For(_model.Seed, RandomStream.WarehouseInventory, warehouse.Index, style.Index);
        double networkRate = style.LifecycleRate * _model.Stores.Length * 0.68 / _model.Warehouses.Length;
        double depth = rng.NextDouble(1, 5) * style.Lifecycle switch
        {
            Lifecycle.New => 3.0,
            Lifecycle.Eol => 0.6,
            _ => 1.0,
        };
        for (int i = 0; i < style.Sizes.Length; i++)
        {
            int onHand = rng.Chance(0.12) ? 0 : rng.NextPoisson(networkRate * style.SizeWeights[i] * depth);
            int inTransit = rng.Chance(0.06) ? rng.NextInt(6, 48) : 0;
            int reserved = onHand > 0 && rng.Chance(0.08) ? rng.NextInt(1, Math.Max(1, onHand / 4)) : 0;
            WriteRow(warehouse, style, i, onHand, inTransit, reserved, 0, null);
        }
    }

    /// <summary>Marks scattered single sizes, never two adjacent, at least one.</summary>
    private void ScatterSingles(ref Prng rng, int sizes)
    {
        bool any = false;
        for (int i = 0; i < sizes; i++)
        {
            _present[i] = (i == 0 || !_present[i - 1]) && rng.Chance(0.4);
            any |= _present[i];
        }

        if (!any)
        {
            _present[rng.NextInt(sizes)] = true;
        }
    }

    private void WriteRow(NodeModel node, StyleModel style, int size, int onHand, int inTransit, int reserved, int sales, double? weekly)
    {
        _csv.Field(node.Id);
        _csv.Field(style.Id, '-', style.Sizes[size]);
        _csv.Field(onHand);
        _csv.Field(inTransit);
        _csv.Field(reserved);
        _csv.Field(sales);
        if (weekly is double value)
        {
            _csv.Field(value, "0.##");
        }
        else
        {
            _csv.Empty();
        }

        _csv.EndRow();
    }
}
