namespace Rebalancing.Engine.Planning;

/// <summary>
/// The working state of a plan: unit changes per cell, each cell's role, node loads, route usage and the move rows.
/// Passes read and change it only through these members, so every hard limit is enforced in one place.
/// </summary>
internal sealed class PlanState
{
    /// <summary>
    /// Per block, whether its style is a viable run once the applied moves are counted: 0 not worked out since the
    /// block last changed, 1 no, 2 yes (<see cref="IsViableAsApplied"/>). A state starts with none worked out.
    /// </summary>
    private readonly byte[] appliedViability;

    /// <summary>Move rows by (pass, sender cell, receiver cell), the cells packed into one key per pass (hashed often).</summary>
    private readonly Dictionary<long, PlannedMove>[] moveIndex;

    public PlanState(PlanContext context)
    {
        Context = context;
        Delta = new int[context.CellCount];
        Role = new CellRole[context.CellCount];
        appliedViability = new byte[context.BlockCount];
        NodeLoad = (long[])context.InitialNodeLoad.Clone();
        ChangeCapLeft = (int[])context.ChangeCapLeft.Clone();
        openRoutesFrom = new List<int>?[context.Snapshot.Nodes.Length];
        routeUnitsFrom = new int[]?[context.Snapshot.Nodes.Length];
        moveIndex = [new(PackedKeyComparer.Instance), new(PackedKeyComparer.Instance), new(PackedKeyComparer.Instance), new(PackedKeyComparer.Instance)];
        Routes = [];
        Moves = [];
        RouteCredit = [];
        BannedRoutes = [];
    }

    /// <summary>Shares everything with <paramref name="other"/> but the unit changes, which it copies.</summary>
    private PlanState(PlanState other, int[] delta)
    {
        Context = other.Context;
        Delta = delta;
        appliedViability = new byte[Context.BlockCount];
        Role = other.Role;
        NodeLoad = other.NodeLoad;
        ChangeCapLeft = other.ChangeCapLeft;
        Routes = other.Routes;
        Moves = other.Moves;
        moveIndex = other.moveIndex;
        RouteCredit = other.RouteCredit;
        BannedRoutes = other.BannedRoutes;
        openRoutesFrom = other.openRoutesFrom;
        routeUnitsFrom = other.routeUnitsFrom;
    }

    private PlanState(PlanState other)
    {
        Context = other.Context;
        moveIndex = [new(PackedKeyComparer.Instance), new(PackedKeyComparer.Instance), new(PackedKeyComparer.Instance), new(PackedKeyComparer.Instance)];
        Routes = new(other.Routes.Count);
        Moves = new(other.Moves.Count);
        RouteCredit = new(other.RouteCredit.Count);
        BannedRoutes = [];
        Delta = (int[])other.Delta.Clone();
        appliedViability = (byte[])other.appliedViability.Clone();
        Role = (CellRole[])other.Role.Clone();
        NodeLoad = (long[])other.NodeLoad.Clone();
        ChangeCapLeft = (int[])other.ChangeCapLeft.Clone();
        foreach (var (key, use) in other.Routes)
        {
            Routes[key] = use with { };
        }

        foreach (var move in other.Moves)
        {
            var copy = new PlannedMove(move.Pass, move.FromCell, move.ToCell) { Quantity = move.Quantity };
            Moves.Add(copy);
            moveIndex[copy.Pass][MoveKey(copy.FromCell, copy.ToCell)] = copy;
        }

        BannedRoutes.UnionWith(other.BannedRoutes);
        openRoutesFrom = [.. other.openRoutesFrom.Select(list => list is null ? null : new List<int>(list))];
        routeUnitsFrom = [.. other.routeUnitsFrom.Select(row => (int[]?)row?.Clone())];
        foreach (var (key, credit) in other.RouteCredit)
        {
            RouteCredit[key] = credit;
        }
    }

    public PlanContext Context { get; }

    /// <summary>Units received (positive) or sent (negative) per cell.</summary>
    public int[] Delta { get; }

    public CellRole[] Role { get; }

    /// <summary>On hand plus in transit per node, after the moves so far.</summary>
    public long[] NodeLoad { get; }

    public int[] ChangeCapLeft { get; }

    public Dictionary<(int From, int To), RouteUse> Routes { get; }

    /// <summary>Per sender node, the receivers of its routes that carry units (in the order they opened).</summary>
    private readonly List<int>?[] openRoutesFrom;

    /// <summary>The nodes a node's open routes lead to: routes that ship already and charge no further shipment.</summary>
    public ReadOnlySpan<int> OpenRoutesFrom(int from) =>
        openRoutesFrom[from] is { } list ? System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list) : [];

    /// <summary>
    /// Per sender node, the units on each of its routes (null until it first ships): <see cref="Routes"/> as dense rows,
    /// because pass 2 asks for a route's units for every pair it prices (4 bytes per node pair of a shipping node).
    /// </summary>
    private readonly int[]?[] routeUnitsFrom;

    /// <summary>Units the route carries in this run so far.</summary>
    public int RouteUnits(int from, int to) => routeUnitsFrom[from] is { } row ? row[to] : 0;

    /// <summary>Whether a pass may not use the route (<see cref="BannedRoutes"/>; usually empty, so asked cheaply).</summary>
    public bool IsBanned(int from, int to) => BannedRoutes.Count != 0 && BannedRoutes.Contains((from, to));

    public List<PlannedMove> Moves { get; }

    /// <summary>
    /// The value gain each route's moves brought when they were applied, per pass. Gains of successive moves
    /// telescope to the pass's exact total, so "every route's credit pays its freight" implies "the pass pays".
    /// </summary>
    public Dictionary<(int Pass, int From, int To), double> RouteCredit { get; }

    /// <summary>Routes a pass may not use (their moves did not pay for the shipment).</summary>
    public HashSet<(int From, int To)> BannedRoutes { get; }

    public PlanState Clone() => new(this);

    /// <summary>
    /// A reader of this state with unit changes of its own: it may try changes and put them back while other readers
    /// do the same on other threads. Nothing else may change while readers exist.
    /// </summary>
    public PlanState ReaderWithOwnDelta() => new(this, (int[])Delta.Clone());

    public int Position(int cell) => Context.CellPosition[cell] + Delta[cell];

    public bool IsPresent(int cell) => Context.CellStock[cell] + Delta[cell] >= 1;

    /// <summary>Units the cell may still send: its movable units less what it sent.</summary>
    public int Available(int cell) => Role[cell] == CellRole.Receiver ? 0 : Context.CellMovable[cell] + Math.Min(0, Delta[cell]);

    /// <summary>Whether the block's style is a viable size run in the current state.</summary>
    public bool IsViable(int block)
    {
        var context = Context;
        int run = 0, longest = 0;
        for (var c = context.BlockStart[block]; c < context.BlockStart[block + 1]; c++)
        {
            run = IsPresent(c) ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest >= context.BlockRunNeeded[block];
    }

    /// <summary>
    /// <see cref="IsViable"/> for the state the applied moves leave, remembered until a move touches the block: for
    /// searches that ask it of many pairs between moves. Not for a state whose <see cref="Delta"/> holds units being
    /// tried (it would remember them).
    /// </summary>
    public bool IsViableAsApplied(int block)
    {
        var known = appliedViability[block];
        if (known == 0)
        {
            known = IsViable(block) ? (byte)2 : (byte)1;
            appliedViability[block] = known;
        }

        return known == 2;
    }

    /// <summary>Whether the block holds any unit of its style.</summary>
    public bool HoldsAny(int block)
    {
        for (var c = Context.BlockStart[block]; c < Context.BlockStart[block + 1]; c++)
        {
            if (IsPresent(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The value of every cell of the block in the current state.</summary>
    public double BlockValue(int block)
    {
        var context = Context;
        var viable = IsViable(block);
        var value = 0.0;
        for (var c = context.BlockStart[block]; c < context.BlockStart[block + 1]; c++)
        {
            value += context.CellValue(c, Position(c), viable);
        }

        return value;
    }

    /// <summary>The free capacity of a node (long.MaxValue when unlimited).</summary>
    public long FreeCapacity(int node) =>
        Context.NodeCapacity[node] == long.MaxValue ? long.MaxValue : Context.NodeCapacity[node] - NodeLoad[node];

    /// <summary>Units a route may still carry in this run.</summary>
    public int RouteRoomLeft(int from, int to) =>
        Context.RouteCap(from, to) - RouteUnits(from, to);

    /// <summary>The move row of a pass between two cells, if any (a cell that never sent, or never received, has none).</summary>
    public PlannedMove? FindMove(int pass, int fromCell, int toCell) =>
        Role[fromCell] == CellRole.Sender && Role[toCell] == CellRole.Receiver && moveIndex[pass].TryGetValue(MoveKey(fromCell, toCell), out var move) ? move : null;

    /// <summary>Records units moving from one cell to another and the value gain they bring; the caller has checked every rule.</summary>
    public void Apply(int pass, int fromCell, int toCell, int quantity, double valueGain)
    {
        var key = (pass, Context.CellNode[fromCell], Context.CellNode[toCell]);
        RouteCredit[key] = RouteCredit.GetValueOrDefault(key) + valueGain;
        Apply(pass, fromCell, toCell, quantity);
    }

    /// <summary>Records units moving from one cell to another; the caller has checked every rule.</summary>
    public void Apply(int pass, int fromCell, int toCell, int quantity)
    {
        var context = Context;
        Delta[fromCell] -= quantity;
        Delta[toCell] += quantity;
        appliedViability[context.CellBlock[fromCell]] = 0;
        appliedViability[context.CellBlock[toCell]] = 0;
        Role[fromCell] = CellRole.Sender;
        Role[toCell] = CellRole.Receiver;
        var from = context.CellNode[fromCell];
        var to = context.CellNode[toCell];
        NodeLoad[from] -= quantity;
        NodeLoad[to] += quantity;
        var sku = context.CellSku[fromCell];
        if (ChangeCapLeft[sku] != int.MaxValue)
        {
            ChangeCapLeft[sku] -= quantity;
        }

        if (!Routes.TryGetValue((from, to), out var use))
        {
            use = new RouteUse(context.Route(from, to));
            Routes[(from, to)] = use;
        }

        if (use.Units == 0 && quantity > 0)
        {
            (openRoutesFrom[from] ??= []).Add(to);
        }

        use.Units += quantity;
        (routeUnitsFrom[from] ??= new int[context.Snapshot.Nodes.Length])[to] += quantity;
        if (!moveIndex[pass].TryGetValue(MoveKey(fromCell, toCell), out var move))
        {
            move = new PlannedMove(pass, fromCell, toCell);
            moveIndex[pass][MoveKey(fromCell, toCell)] = move;
            Moves.Add(move);
        }

        move.Quantity += quantity;
    }

    private static long MoveKey(int fromCell, int toCell) => ((long)fromCell << 32) | (uint)toCell;

    /// <summary>Freight of the plan so far: units times the per-unit cost, plus each used route's shipment cost once.</summary>
    public double Freight()
    {
        var total = 0.0;
        foreach (var use in Routes.Values)
        {
            if (use.Units > 0)
            {
                total += (use.Units * use.Price.CostPerUnit) + use.Price.CostPerShipment;
            }
        }

        return total;
    }
}

/// <summary>Units a route carries in the run and its price.</summary>
internal sealed record RouteUse(RoutePrice Price)
{
    public int Units { get; set; }
}
