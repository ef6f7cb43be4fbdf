using System.Globalization;
using System.Text.Json;
using Rebalancing.Engine.Plans;
using Rebalancing.Engine.Reasons;

namespace Rebalancing.Engine.Output;

/// <summary>Writes a plan's files (plan-output.md): <c>moves.csv</c>, <c>blocked.csv</c>, <c>summary.json</c>.</summary>
public static class PlanWriter
{
    /// <summary>The moves file name.</summary>
    public const string MovesFile = "moves.csv";

    /// <summary>The blocked rows file name.</summary>
    public const string BlockedFile = "blocked.csv";

    /// <summary>The summary file name.</summary>
    public const string SummaryFile = "summary.json";

    /// <summary>Writes <c>moves.csv</c>, sorted by move id.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="plan">The plan.</param>
    public static void WriteMoves(TextWriter writer, Plan plan)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(plan);
        using var csv = new CsvText(writer);
        csv.Row("move_id", "pass", "from_node", "to_node", "sku", "style", "size", "quantity", "from_cluster", "to_cluster", "gp_uplift", "freight_cost", "net_benefit", "reason", "approval_level");
        foreach (var m in plan.Moves)
        {
            csv.Field(m.MoveId);
            csv.Field(m.Pass);
            csv.Field(m.FromNode);
            csv.Field(m.ToNode);
            csv.Field(m.Sku);
            csv.Field(m.Style);
            csv.Field(m.Size);
            csv.Field(m.Quantity);
            csv.Field(m.FromCluster);
            csv.Field(m.ToCluster);
            csv.Money(m.GpUpliftCents);
            csv.Money(m.FreightCostCents);
            csv.Money(m.NetBenefitCents);
            csv.Field(ReasonNames.Name(m.Reason));
            csv.Field(m.ApprovalLevel == ApprovalLevel.Elevated ? "elevated" : "standard");
            csv.EndRow();
        }
    }

    /// <summary>Writes <c>blocked.csv</c>: one row per untouched inventory row, sorted by (node, SKU).</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="plan">The plan.</param>
    public static void WriteBlocked(TextWriter writer, Plan plan)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(plan);
        using var csv = new CsvText(writer);
        csv.Row("node_id", "sku", "pass", "reason_code", "detail");
        foreach (var b in plan.Blocked)
        {
            csv.Field(b.NodeId);
            csv.Field(b.Sku);
            csv.Field(b.Pass);
            csv.Field(ReasonNames.Name(b.Code));
            csv.Field(b.Detail);
            csv.EndRow();
        }
    }

    /// <summary>Writes <c>summary.json</c>.</summary>
    /// <param name="stream">Where to write (UTF-8).</param>
    /// <param name="plan">The plan.</param>
    /// <param name="elapsedMilliseconds">How long planning took, measured by the caller.</param>
    public static void WriteSummary(Stream stream, Plan plan, long elapsedMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(plan);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        var header = plan.Snapshot.Header;
        json.WriteStartObject();
        json.WriteString("engine_version", plan.EngineVersion);
        json.WriteString("snapshot_id", plan.SnapshotId);
        json.WriteString("org_id", header.OrgId);
        json.WriteString("as_of", header.AsOf.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        if (header.Currency is { } currency)
        {
            json.WriteString("currency", currency);
        }

        json.WriteString("determinism_hash", plan.Hash);
        json.WriteString("input_hash", plan.InputHash);
        json.WriteStartObject("moves");
        for (var pass = 1; pass <= 3; pass++)
        {
            json.WriteNumber($"pass{pass}", plan.Moves.Count(m => m.Pass == pass));
        }

        json.WriteNumber("total", plan.Moves.Length);
        json.WriteEndObject();
        json.WriteNumber("units_moved", plan.UnitsMoved);
        WriteMoney(json, "gp_uplift", plan.GpUpliftCents);
        WriteMoney(json, "freight_cost", plan.FreightCostCents);
        WriteMoney(json, "net_benefit", plan.NetBenefitCents);
        WriteMoney(json, "upper_bound", plan.UpperBoundCents);
        json.WritePropertyName("optimality_ratio");
        json.WriteRawValue(plan.OptimalityRatio.ToString("0.0000", CultureInfo.InvariantCulture));
        json.WriteStartObject("blocked");
        foreach (var (code, count) in plan.BlockedCounts)
        {
            json.WriteNumber(ReasonNames.Name(code), count);
        }

        json.WriteEndObject();
        WriteKpis(json, "kpis_before", plan.KpisBefore);
        WriteKpis(json, "kpis_after", plan.KpisAfter);
        json.WriteNumber("elapsed_ms", elapsedMilliseconds);
        json.WriteEndObject();
    }

    private static void WriteKpis(Utf8JsonWriter json, string name, PlanKpis kpis)
    {
        json.WriteStartObject(name);
        json.WriteNumber("fragments", kpis.Fragments);
        json.WriteNumber("viable_size_runs", kpis.ViableSizeRuns);
        json.WriteNumber("stockouts_with_demand", kpis.StockoutsWithDemand);
        json.WritePropertyName("units_at_risk_of_markdown");
        json.WriteRawValue(kpis.UnitsAtRiskOfMarkdown.ToString("0.00", CultureInfo.InvariantCulture));
        json.WriteEndObject();
    }

    private static void WriteMoney(Utf8JsonWriter json, string name, long cents)
    {
        json.WritePropertyName(name);
        json.WriteRawValue(Money.Format(cents));
    }
}

/// <summary>Monetary values: cents written with 2 decimals, invariant culture.</summary>
public static class Money
{
    /// <summary>The longest amount <see cref="Format(long, Span{char})"/> writes: a sign, 17 digits, a point and 2 decimals.</summary>
    internal const int MaxLength = 21;

    /// <summary>Formats cents as <c>1234.50</c>.</summary>
    /// <param name="cents">An amount in cents.</param>
    /// <returns>The amount with 2 decimals.</returns>
    public static string Format(long cents)
    {
        Span<char> text = stackalloc char[MaxLength];
        return new string(text[..Format(cents, text)]);
    }

    /// <summary>
    /// Writes cents as <c>[-]UNITS.CC</c> (what <c>(cents / 100m).ToString("0.00", InvariantCulture)</c> gives) into
    /// <paramref name="destination"/>, which holds at least <see cref="MaxLength"/> characters.
    /// </summary>
    internal static int Format(long cents, Span<char> destination)
    {
        var written = 0;
        ulong magnitude;
        if (cents < 0)
        {
            destination[written++] = '-';
            magnitude = (ulong)(-(cents + 1)) + 1;
        }
        else
        {
            magnitude = (ulong)cents;
        }

        var units = magnitude / 100;
        var hundredths = (int)(magnitude % 100);
        units.TryFormat(destination[written..], out var digits, default, CultureInfo.InvariantCulture);
        written += digits;
        destination[written++] = '.';
        destination[written++] = (char)('0' + (hundredths / 10));
        destination[written++] = (char)('0' + (hundredths % 10));
        return written;
    }
}
