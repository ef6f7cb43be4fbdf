namespace Rebalancing.Engine.Planning;

internal sealed partial class PlanContext
{
    /// <summary>Route prices by sender, each sender's row priced in full the first time any of its routes is asked for.</summary>
    private readonly RoutePrice[]?[] routeRows;

    /// <summary>The price of a route with the sender's freight defaults.</summary>
    /// <remarks>
    /// Passes price the same routes millions of times, so prices sit in a dense row per sender (24 bytes per node
    /// pair: 6 MB at 500 nodes). Rows are built on first use and published atomically: clusters plan on several
    /// threads, and a row built twice holds the same prices.
    /// </remarks>
    public RoutePrice Route(int from, int to) => (Volatile.Read(ref routeRows[from]) ?? PriceRoutesFrom(from))[to];

    private RoutePrice[] PriceRoutesFrom(int from)
    {
        var p = NodePolicy[from];
        var row = new RoutePrice[Snapshot.Nodes.Length];
        for (var to = 0; to < row.Length; to++)
        {
            row[to] = Freight.Price(from, to, p.FreightDefaultCostPerUnit, p.FreightCostPerUnitPerKm, p.FreightDefaultCostPerShipment);
        }

        return Interlocked.CompareExchange(ref routeRows[from], row, null) ?? row;
    }
}
