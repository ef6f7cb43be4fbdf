using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Rebalancing.Engine.Plans;
using Rebalancing.Engine.Reasons;

namespace Rebalancing.Engine.Planning;

/// <summary>
/// Turns a final state into a <see cref="Plan"/>: values the end state once (so moves that touch the same style
/// never count twice), attributes gain and freight to moves, rounds to cents so the moves add up to the totals
/// exactly, and gives every untouched inventory row its reason.
/// </summary>
internal static partial class PlanAssembler
{
    /// <summary>Fewer moves than this get their ids on one thread.</summary>
    private const int ParallelFrom = 4096;

    /// <summary>The parts of a plan that depend on the input alone, worked out before the plan (or alongside it).</summary>
    internal sealed record InputWork(double UpperBound, Plans.DeterminismHash.PreparedInput Hashes, PlanKpis KpisBefore)
    {
        public static InputWork For(PlanContext context) =>
            new(Quality.UpperBound.Compute(context), Plans.DeterminismHash.PrepareInput(context.Snapshot, context.Policy), Kpis(new PlanState(context)));
    }

    // Hot loops are compiled optimised at first call: a command-line run assembles once, and tier-0 code would
    // run most of it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Plan Assemble(PlanState state, InputWork? inputWork = null, bool parallel = false, IProgress<PlanStage>? progress = null)
    {
        var context = state.Context;
        var initial = new PlanState(context);
        var moves = new List<PlannedMove>(state.Moves.Count);
        foreach (var m in state.Moves)
        {
            if (m.Quantity > 0)
            {
                moves.Add(m);
            }
        }

        // Sort by id first so that rounding remainders go to the same moves whatever order the passes produced.
        // Each id is a hash of its own move alone, so they may be worked out on several threads.
        var ids = new string[moves.Count];
        var idBits = new long[moves.Count];
        if (parallel && moves.Count >= ParallelFrom)
        {
            Parallel.For(
                0,
                moves.Count,
                () => new MoveIdHasher(context),
                (i, _, hasher) =>
                {
                    ids[i] = hasher.Id(moves[i], out idBits[i]);
                    return hasher;
                },
                hasher => hasher.Dispose());
        }
        else
        {
            using var hasher = new MoveIdHasher(context);
            for (var i = 0; i < moves.Count; i++)
            {
                ids[i] = hasher.Id(moves[i], out idBits[i]);
            }
        }

        // Attribute, then drop the moves whose written columns break a plan rule, until none does (ColumnRules).
        var rules = new ColumnRules(state, initial, moves, OrderById(moves, ids, idBits));
        var attribution = rules.Run();
        if (rules.DroppedAny)
        {
            state = rules.Rebuild();
        }

        var (order, gpCents, freightCents) = attribution;
        var planMoves = ImmutableArray.CreateBuilder<PlanMove>(order.Length);
        for (var i = 0; i < order.Length; i++)
        {
            planMoves.Add(ToPlanMove(state, initial, moves[order[i]], ids[order[i]], gpCents[i], freightCents[i]));
        }

        progress?.Report(PlanStage.Attribution);
        var blocked = ReasonClassifier.Classify(state, parallel);
        return new Plan(
            context.Snapshot,
            context.Policy,
            planMoves.MoveToImmutable(),
            blocked,
            gpCents.Sum(),
            freightCents.Sum(),
            inputWork?.KpisBefore ?? Kpis(initial),
            Kpis(state),
            inputWork?.UpperBound ?? Quality.UpperBound.Compute(context),
            inputWork?.Hashes);
    }

    /// <summary>Move indices in id order and their written gain and freight in cents, position by position.</summary>
    internal readonly record struct Attribution(int[] Order, long[] GpCents, long[] FreightCents);

    /// <summary>
    /// Move indices sorted by id, ordinal, equal ids in their original order (as the stable sort of the moves was).
    /// </summary>
    /// <remarks>
    /// An id is <c>M</c>, the pass, <c>-</c> and 12 lowercase hex digits. With one-digit passes every id has the same
    /// length, and ordinal order is the order of (pass, the 48 hashed bits as a number) since <c>0-9</c> sort before
    /// <c>a-f</c>: the ids are compared as integers. Any other pass falls back to comparing the strings.
    /// </remarks>
    private static int[] OrderById(List<PlannedMove> moves, string[] ids, long[] idBits)
    {
        var order = new int[moves.Count];
        var keys = new long[moves.Count];
        var numeric = true;
        for (var i = 0; i < moves.Count; i++)
        {
            order[i] = i;
            var pass = moves[i].Pass;
            numeric &= pass is >= 0 and <= 9;
            keys[i] = numeric ? ((long)pass << 48) | idBits[i] : 0;
        }

        if (numeric)
        {
            Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
        }
        else
        {
            Array.Sort(order, (a, b) =>
            {
                var byId = string.CompareOrdinal(ids[a], ids[b]);
                return byId != 0 ? byId : a.CompareTo(b);
            });
        }

        return order;
    }

    /// <summary>
    /// Stable move ids: the pass, then 12 hex digits of SHA-256 over the UTF-8 of <c>from\u001fto\u001fsku</c>; never
    /// a counter. One hasher per thread keeps its SHA-256 state and key buffer from move to move.
    /// </summary>
    private sealed class MoveIdHasher(PlanContext context) : IDisposable
    {
        private readonly IncrementalHash sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private byte[] key = new byte[256];

        /// <summary>The move's id, and its 48 hashed bits as a number, for sorting.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public string Id(PlannedMove m, out long idBits)
        {
            var snapshot = context.Snapshot;
            var from = snapshot.Nodes[context.CellNode[m.FromCell]].Id;
            var to = snapshot.Nodes[context.CellNode[m.ToCell]].Id;
            var sku = snapshot.Products[context.CellSku[m.FromCell]].Sku;

            // Encoded piece by piece: whole strings, so no surrogate pair is split.
            var length = Encoding.UTF8.GetByteCount(from) + Encoding.UTF8.GetByteCount(to) + Encoding.UTF8.GetByteCount(sku) + 2;
            if (length > key.Length)
            {
                key = new byte[length];
            }

            var n = Encoding.UTF8.GetBytes(from, key);
            key[n++] = 0x1f;
            n += Encoding.UTF8.GetBytes(to, key.AsSpan(n));
            key[n++] = 0x1f;
            n += Encoding.UTF8.GetBytes(sku, key.AsSpan(n));
            sha256.AppendData(key, 0, n);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            sha256.GetHashAndReset(hash);

            idBits = 0;
            for (var i = 0; i < 6; i++)
            {
                idBits = (idBits << 8) | hash[i];
            }

            // "M", the pass, "-", the hex digits: put together on the stack, so the id is the only string made.
            Span<char> text = stackalloc char[32];
            text[0] = 'M';
            m.Pass.TryFormat(text[1..], out var written, provider: CultureInfo.InvariantCulture);
            var at = 1 + written;
            text[at++] = '-';
            Convert.TryToHexStringLower(hash[..6], text[at..], out written);
            return new string(text[..(at + written)]);
        }

        public void Dispose() => sha256.Dispose();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static PlanMove ToPlanMove(PlanState state, PlanState initial, PlannedMove m, string id, long gpCents, long freightCents)
    {
        var context = state.Context;
        var snapshot = context.Snapshot;
        var from = snapshot.Nodes[context.CellNode[m.FromCell]];
        var to = snapshot.Nodes[context.CellNode[m.ToCell]];
        var product = snapshot.Products[context.CellSku[m.FromCell]];
        var receiverBlock = context.CellBlock[m.ToCell];
        MoveReason reason;
        if (m.Pass == 3)
        {
            reason = MoveReason.ConsolidateRegional;
        }
        else if (!initial.IsViable(receiverBlock) && state.IsViable(receiverBlock))
        {
            reason = MoveReason.CompleteSizeRun;
        }
        else if (context.CellRate[m.ToCell] > 0 && context.CellPosition[m.ToCell] <= 0)
        {
            reason = MoveReason.FillStockout;
        }
        else
        {
            reason = m.Pass == 1 ? MoveReason.PushToDemand : MoveReason.TransferToDemand;
        }

        var senderPolicy = context.PolicyOf(m.FromCell);
        var senderRow = context.CellRow[m.FromCell];
        var senderOnHand = senderRow >= 0 ? snapshot.Inventory.OnHand[senderRow] : 0;
        var elevated = m.Quantity * product.UnitCost >= senderPolicy.ElevatedValue
            || (senderOnHand > 0 && m.Quantity >= senderPolicy.ElevatedShareOfSource * senderOnHand);
        return new PlanMove(
            id,
            m.Pass,
            from.Id,
            to.Id,
            product.Sku,
            product.Style,
            product.Size,
            m.Quantity,
            from.Cluster ?? string.Empty,
            to.Cluster ?? string.Empty,
            gpCents,
            freightCents,
            reason,
            elevated ? ApprovalLevel.Elevated : ApprovalLevel.Standard);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static PlanKpis Kpis(PlanState state)
    {
        var context = state.Context;
        int fragments = 0, viable = 0, stockouts = 0;
        var atRisk = 0.0;
        for (var b = 0; b < context.BlockCount; b++)
        {
            if (!context.IsStore(context.BlockNode[b]))
            {
                continue;
            }

            var isViable = state.IsViable(b);
            if (isViable)
            {
                viable++;
            }
            else if (state.HoldsAny(b))
            {
                fragments++;
            }

            for (var c = context.BlockStart[b]; c < context.BlockStart[b + 1]; c++)
            {
                var position = state.Position(c);
                if (context.CellRow[c] >= 0 && context.CellRate[c] > 0 && position <= 0)
                {
                    stockouts++;
                }

                if (position > 0)
                {
                    // The table's running sums are the walk's own sums (TailTable), so the figure is the same.
                    atRisk += position - context.TailsOf(c, isViable).ExpectedSales(position);
                }
            }
        }

        return new PlanKpis(fragments, viable, stockouts, Math.Round(atRisk, 2, MidpointRounding.AwayFromZero));
    }
}
