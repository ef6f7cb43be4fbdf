using Rebalancing.Engine.Output;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Tests.Support;

namespace Rebalancing.Engine.Tests.Writing;

/// <summary><see cref="PlanReader"/> reads back exactly what <see cref="PlanWriter"/> writes.</summary>
public class PlanReaderTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ReadMovesAndBlocked_WhatTheWriterWrote_AreThePlansRows(int seed)
    {
        var plan = Planner.Create(RandomNetwork.Load(RandomNetwork.Generated(stores: 14, skus: 160, seed)), RandomNetwork.Policy("{}"));
        var moves = new StringWriter();
        var blocked = new StringWriter();
        PlanWriter.WriteMoves(moves, plan);
        PlanWriter.WriteBlocked(blocked, plan);

        Assert.Equal(plan.Moves.ToArray(), PlanReader.ReadMoves(new StringReader(moves.ToString())).ToArray());
        Assert.Equal(plan.Blocked.ToArray(), PlanReader.ReadBlocked(new StringReader(blocked.ToString())).ToArray());
        var style = plan.Moves[0].Style;
        Assert.Equal(plan.Moves.Where(m => m.Style == style).ToArray(), PlanReader.ReadMoves(new StringReader(moves.ToString()), style).ToArray());
    }

    [Fact]
    public void ReadMoves_ARaggedRow_NamesItsLine()
    {
        var text = "move_id,pass,from_node,to_node,sku,style,size,quantity,from_cluster,to_cluster,gp_uplift,freight_cost,net_benefit,reason,approval_level\nM1-000000000000,1,W1,S1,T-1,T,S,2,,GP,10.00,1.00,9.00,PUSH_TO_DEMAND\n";

        var error = Assert.Throws<FormatException>(() => PlanReader.ReadMoves(new StringReader(text)));

        Assert.StartsWith("moves.csv:2: 14 fields", error.Message, StringComparison.Ordinal);
    }
}
