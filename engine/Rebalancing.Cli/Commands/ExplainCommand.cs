using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Rebalancing.Cli.Io;
using Rebalancing.Engine.Explanations;
using Rebalancing.Engine.Output;
using Rebalancing.Engine.Model;
using Rebalancing.Engine.Planning;
using Rebalancing.Engine.Plans;
using Rebalancing.Engine.Policies;
using Rebalancing.Engine.Reasons;

namespace Rebalancing.Cli.Commands;

/// <summary>
/// <c>explain --snapshot ... [--policy ...] --sku SKU [--node NODE] [--plan DIR]</c>: for the SKU, every node's position, demand,
/// sell-through, the moves made and, for each untouched row, the reason with the numbers behind it.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var snapshot = CommonOptions.Snapshot();
        var policy = CommonOptions.Policy();
        var sku = new Option<string>("--sku") { Description = "The SKU to explain.", Required = true };
        var node = new Option<string?>("--node") { Description = "Only this node." };
        var planFolder = new Option<string?>("--plan")
        {
            Description = "The folder 'plan' wrote for this snapshot and policy: its moves and reasons are explained instead of planning again.",
        };
        var command = new Command("explain", "Explain the plan for one SKU: positions, demand, sell-through, moves and reasons.") { snapshot, policy, sku, node, planFolder };
        command.SetAction(result => Run(result.GetValue(snapshot)!, result.GetValue(policy), result.GetValue(sku)!, result.GetValue(node), Console.Out, Console.Error, result.GetValue(planFolder)));
        return command;
    }

    public static int Run(string snapshotPath, string? policyPath, string sku, string? node, TextWriter output, TextWriter errors, string? planFolder = null)
    {
        if (InputLoader.Load(snapshotPath, policyPath, errors, Progress.For(quiet: true)) is not { } input)
        {
            return ExitCodes.InvalidInput;
        }

        if (node is not null && !input.Snapshot.NodeIndex.ContainsKey(node))
        {
            errors.WriteLine($"error: no node '{node}' in the snapshot");
            return ExitCodes.InvalidInput;
        }

        SkuExplanation? explanation;
        if (planFolder is null)
        {
            explanation = SkuExplainer.Explain(Planner.Create(input.Snapshot, input.Policy), sku, node);
        }
        else if (!FromPlanFolder(planFolder, input.Snapshot, input.Policy, sku, node, errors, out explanation))
        {
            return ExitCodes.InvalidInput;
        }

        if (explanation is null)
        {
            errors.WriteLine($"error: no SKU '{sku}' in the snapshot");
            return ExitCodes.InvalidInput;
        }

        Print(output, explanation);
        return ExitCodes.Success;
    }

    /// <summary>
    /// Explains from the files <c>plan</c> wrote: the summary's input hash must be this snapshot's and policy's (so the
    /// folder is this input's plan), then only the SKU's style is read from moves.csv and the SKU from blocked.csv.
    /// </summary>
    private static bool FromPlanFolder(string folder, Snapshot snapshot, Policy policy, string sku, string? node, TextWriter errors, out SkuExplanation? explanation)
    {
        explanation = null;
        try
        {
            string? inputHash;
            using (var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, PlanWriter.SummaryFile))))
            {
                inputHash = summary.RootElement.TryGetProperty("input_hash", out var hash) ? hash.GetString() : null;
            }

            // The input's hash (a pass over the whole snapshot), the two plan files and the planning context the
            // explanation reads are independent: the first three run on the pool while this thread builds the
            // context, and nothing read is used unless the hash matches.
            var ownHash = Task.Run(() => DeterminismHash.OfInput(snapshot, policy));
            var known = snapshot.SkuIndex.TryGetValue(sku, out var skuIndex);
            var moves = known ? Task.Run(() => ReadMoves(folder, snapshot.Products[skuIndex].Style)) : null;
            var blocked = known ? Task.Run(() => ReadBlocked(folder, sku)) : null;
            var context = known ? SkuExplainer.ContextFor(snapshot, policy) : null;
            if (inputHash != ownHash.GetAwaiter().GetResult())
            {
                errors.WriteLine($"error: the plan in '{folder}' was not made from this snapshot and policy (its input_hash differs); plan again or explain without --plan");
                return false;
            }

            if (!known)
            {
                return true;
            }

            // GetResult rethrows a read's own exception, which the handler below reports.
            explanation = SkuExplainer.Explain(context!, moves!.GetAwaiter().GetResult(), blocked!.GetAwaiter().GetResult(), sku, node);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or FormatException)
        {
            errors.WriteLine($"error: cannot read the plan in '{folder}': {ex.Message}");
            return false;
        }
    }

    private static List<PlanMove> ReadMoves(string folder, string style)
    {
        using var reader = new StreamReader(Path.Combine(folder, PlanWriter.MovesFile));
        return PlanReader.ReadMoves(reader, style);
    }

    private static List<BlockedRow> ReadBlocked(string folder, string sku)
    {
        using var reader = new StreamReader(Path.Combine(folder, PlanWriter.BlockedFile));
        return PlanReader.ReadBlocked(reader, sku);
    }

    private static void Print(TextWriter output, SkuExplanation e)
    {
        string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        output.WriteLine(F($"{e.Sku}: style {e.Style}, size {e.Size}, price {e.UnitPrice:0.00}"));
        output.WriteLine();
        output.WriteLine("node        cluster  pos before->after  movable  demand/wk  run before->after  mean before->after  p(last unit) p(next unit)  value before->after");
        foreach (var n in e.Nodes)
        {
            var run = F($"{(n.ViableBefore ? "viable" : "fragment")}->{(n.ViableAfter ? "viable" : "fragment")}");
            output.WriteLine(F($"{n.NodeId,-11} {n.Cluster,-8} {n.PositionBefore,6} -> {n.PositionAfter,-6}  {n.Movable,7}  {n.WeeklyDemand,9:0.##}  {(n.IsStore ? run : "warehouse"),-18} {n.MeanBefore,7:0.##} -> {n.MeanAfter,-7:0.##}  {n.SellThroughLastUnitBefore,11:0.000} {n.SellThroughNextUnitAfter,12:0.000}  {n.ValueBefore,10:0.00} -> {n.ValueAfter:0.00}"));
        }

        output.WriteLine();
        output.WriteLine(e.Moves.IsEmpty ? "moves: none" : "moves:");
        foreach (var m in e.Moves)
        {
            output.WriteLine(F($"  {m.MoveId}  pass {m.Pass}  {m.FromNode} -> {m.ToNode}  {m.Quantity} units  gain {Money.Format(m.GpUpliftCents)}  freight {Money.Format(m.FreightCostCents)}  net {Money.Format(m.NetBenefitCents)}  {ReasonNames.Name(m.Reason)}  {m.ApprovalLevel.ToString().ToLowerInvariant()}"));
        }

        var blocked = e.Nodes.Where(n => n.Blocked is not null).ToList();
        output.WriteLine();
        output.WriteLine(blocked.Count == 0 ? "untouched rows: none" : "untouched rows:");
        foreach (var n in blocked)
        {
            output.WriteLine(F($"  {n.NodeId,-11} pass {n.Blocked!.Pass}  {ReasonNames.Name(n.Blocked.Code),-36} {n.Blocked.Detail}"));
        }
    }
}
