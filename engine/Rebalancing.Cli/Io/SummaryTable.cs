using System.Globalization;
using Rebalancing.Engine.Output;
using Rebalancing.Engine.Plans;

namespace Rebalancing.Cli.Io;

/// <summary>The short summary a command prints on standard output.</summary>
internal static class SummaryTable
{
    public static void Print(TextWriter output, Plan plan, string outDirectory, long elapsedMilliseconds)
    {
        var currency = plan.Snapshot.Header.Currency is { } c ? c + " " : string.Empty;
        string Count(int pass) => plan.Moves.Count(m => m.Pass == pass).ToString(CultureInfo.InvariantCulture);
        output.WriteLine($"plan for {plan.Snapshot.Header.OrgId} as of {plan.Snapshot.Header.AsOf.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}");
        output.WriteLine($"  moves            pass 1: {Count(1)}   pass 2: {Count(2)}   pass 3: {Count(3)}   total: {plan.Moves.Length.ToString(CultureInfo.InvariantCulture)}");
        output.WriteLine($"  units moved      {plan.UnitsMoved.ToString(CultureInfo.InvariantCulture)}");
        output.WriteLine($"  gp uplift        {currency}{Money.Format(plan.GpUpliftCents)}");
        output.WriteLine($"  freight          {currency}{Money.Format(plan.FreightCostCents)}");
        output.WriteLine($"  net benefit      {currency}{Money.Format(plan.NetBenefitCents)}");
        output.WriteLine($"  upper bound      {currency}{Money.Format(plan.UpperBoundCents)}   optimality ratio {plan.OptimalityRatio.ToString("0.000", CultureInfo.InvariantCulture)}");
        output.WriteLine($"  fragments        {plan.KpisBefore.Fragments.ToString(CultureInfo.InvariantCulture)} -> {plan.KpisAfter.Fragments.ToString(CultureInfo.InvariantCulture)}");
        output.WriteLine($"  stockouts        {plan.KpisBefore.StockoutsWithDemand.ToString(CultureInfo.InvariantCulture)} -> {plan.KpisAfter.StockoutsWithDemand.ToString(CultureInfo.InvariantCulture)}");
        output.WriteLine($"  blocked rows     {plan.Blocked.Length.ToString(CultureInfo.InvariantCulture)}");
        output.WriteLine($"  determinism hash {plan.Hash}");
        output.WriteLine($"  elapsed          {elapsedMilliseconds.ToString(CultureInfo.InvariantCulture)} ms");
        output.WriteLine($"  files            {Path.GetFullPath(outDirectory)}");
    }
}
