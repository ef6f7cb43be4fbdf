using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Policies;
using Rebalancing.Engine.Tests.Support;

namespace Rebalancing.Engine.Tests.Plans;

public class PlanStateTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RememberedViability_AgreesWithTheRunsAsCounted_AfterEveryMoveAndClone(int seed)
    {
        // The searches ask a block's viability as applied moves leave it many times between moves; what they are
        // told must be what counting the block's sizes says, whichever moves made and unmade its runs.
        var context = new PlanContext(RandomNetwork.Load(RandomNetwork.Generate(seed)), Policy.Default);
        var state = new PlanState(context);
        var rng = new Random(seed);
        var moves = 0;
        for (var i = 0; i < 2000; i++)
        {
            var from = rng.Next(context.CellCount);
            var candidates = context.CellsOfSku(context.CellSku[from]).ToArray().Where(c => c != from && state.Role[c] != CellRole.Sender).ToArray();
            if (candidates.Length == 0 || state.Role[from] == CellRole.Receiver || state.Position(from) < 1)
            {
                continue;
            }

            // Ask first, so a remembered answer from before the move is there to go stale.
            var to = candidates[rng.Next(candidates.Length)];
            _ = state.IsViableAsApplied(context.CellBlock[from]);
            _ = state.IsViableAsApplied(context.CellBlock[to]);
            state.Apply(2, from, to, rng.Next(1, state.Position(from) + 1));
            moves++;
            foreach (var block in new[] { context.CellBlock[from], context.CellBlock[to] })
            {
                Assert.Equal(state.IsViable(block), state.IsViableAsApplied(block));
            }
        }

        Assert.True(moves >= 10, $"only {moves} moves applied");
        var clone = state.Clone();
        for (var block = 0; block < context.BlockCount; block++)
        {
            Assert.Equal(state.IsViable(block), state.IsViableAsApplied(block));
            Assert.Equal(clone.IsViable(block), clone.IsViableAsApplied(block));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RouteUnitsAndMoveRows_AgreeWithTheRouteAndMoveRecords_AfterMovesAndClones(int seed)
    {
        // The passes read route units from dense rows and look move rows up only between a cell that has sent and
        // one that has received; both are kept beside the route and move records, and must never drift from them.
        var context = new PlanContext(RandomNetwork.Load(RandomNetwork.Generate(seed)), Policy.Default);
        var state = new PlanState(context);
        var rng = new Random(seed);
        var applied = new HashSet<(int Pass, int From, int To)>();
        for (var i = 0; i < 200; i++)
        {
            // A cell either sends or receives: pick a sender that has not received and a receiver that has not sent.
            var from = rng.Next(context.CellCount);
            var candidates = context.CellsOfSku(context.CellSku[from]).ToArray().Where(c => c != from && state.Role[c] != CellRole.Sender).ToArray();
            if (candidates.Length == 0 || state.Role[from] == CellRole.Receiver)
            {
                continue;
            }

            var pass = rng.Next(1, 4);
            var to = candidates[rng.Next(candidates.Length)];
            state.Apply(pass, from, to, rng.Next(1, 4));
            applied.Add((pass, from, to));
        }

        Assert.NotEmpty(applied);
        foreach (var checkedState in new[] { state, state.Clone() })
        {
            var nodes = context.Snapshot.Nodes.Length;
            for (var from = 0; from < nodes; from++)
            {
                for (var to = 0; to < nodes; to++)
                {
                    var recorded = checkedState.Routes.TryGetValue((from, to), out var use) ? use.Units : 0;
                    Assert.Equal(recorded, checkedState.RouteUnits(from, to));
                }
            }

            foreach (var move in checkedState.Moves)
            {
                Assert.Same(move, checkedState.FindMove(move.Pass, move.FromCell, move.ToCell));
            }

            Assert.Equal(applied.Count, checkedState.Moves.Count);
            for (var pass = 1; pass <= 3; pass++)
            {
                for (var probe = 0; probe < 200; probe++)
                {
                    var (from, to) = (rng.Next(context.CellCount), rng.Next(context.CellCount));
                    Assert.Equal(applied.Contains((pass, from, to)), checkedState.FindMove(pass, from, to) is not null);
                }
            }
        }
    }
}
