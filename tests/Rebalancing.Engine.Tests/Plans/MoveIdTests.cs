using System.Security.Cryptography;
using System.Text;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Policies;
using Rebalancing.Engine.Tests.Support;

namespace Rebalancing.Engine.Tests.Plans;

/// <summary>plan-output.md, moves.csv: a stable <c>move_id</c> derived from the move (docs/engine.md gives the derivation).</summary>
public class MoveIdTests
{
    [Fact]
    public void Plan_EveryMoveId_IsItsPassAndTwelveHexDigitsOfSha256OverFromToSku()
    {
        // 30 stores x 600 SKUs: over 4,096 moves, so the ids are hashed on several threads.
        var snapshot = RandomNetwork.Load(RandomNetwork.Generated(stores: 30, skus: 600, seed: 11));

        var plan = new PlanningSession(snapshot, Policy.Default).Run(parallel: true);

        Assert.True(plan.Moves.Length >= 4096, $"only {plan.Moves.Length} moves: their ids would be hashed on one thread");
        foreach (var move in plan.Moves)
        {
            var key = Encoding.UTF8.GetBytes($"{move.FromNode}\u001f{move.ToNode}\u001f{move.Sku}");
            var expected = $"M{move.Pass}-{Convert.ToHexStringLower(SHA256.HashData(key))[..12]}";
            Assert.Equal(expected, move.MoveId);
        }

        Assert.Equal(plan.Moves.Select(m => m.MoveId).Order(StringComparer.Ordinal), plan.Moves.Select(m => m.MoveId));
    }
}
