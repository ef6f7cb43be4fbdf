using System.Globalization;
using Rebalancing.Engine.Input;
using Rebalancing.Engine.Plans;
using Rebalancing.Engine.Reasons;

namespace Rebalancing.Engine.Output;

/// <summary>
/// Reads back the rows of a plan's <c>moves.csv</c> and <c>blocked.csv</c> as <see cref="PlanWriter"/> wrote them, so a
/// plan folder can be explained without planning the network again. A row that is not what the writer writes is a
/// <see cref="FormatException"/> naming <c>FILE:LINE</c>.
/// </summary>
public static class PlanReader
{
    private static readonly string[] MoveColumns =
        ["move_id", "pass", "from_node", "to_node", "sku", "style", "size", "quantity", "from_cluster", "to_cluster", "gp_uplift", "freight_cost", "net_benefit", "reason", "approval_level"];

    private static readonly string[] BlockedColumns = ["node_id", "sku", "pass", "reason_code", "detail"];

    /// <summary>The moves of <c>moves.csv</c>, optionally only those of one style.</summary>
    /// <param name="reader">The file's text.</param>
    /// <param name="style">Only moves of this style, or <see langword="null"/> for every move.</param>
    /// <returns>The moves, in file order.</returns>
    public static List<PlanMove> ReadMoves(TextReader reader, string? style = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var moves = new List<PlanMove>();
        using var csv = new CsvRecordReader(reader);
        var at = Header(csv, PlanWriter.MovesFile, MoveColumns);
        while (csv.Read())
        {
            if (csv.IsBlank)
            {
                continue;
            }

            Check(csv, PlanWriter.MovesFile, MoveColumns.Length);
            if (style is not null && !csv[at[5]].SequenceEqual(style))
            {
                continue;
            }

            var line = csv.RecordLine;
            var reasonName = csv[at[13]].ToString();
            if (!ReasonNames.TryParse(reasonName, out MoveReason reason))
            {
                throw Bad(PlanWriter.MovesFile, line, $"unknown reason '{reasonName}'");
            }

            moves.Add(new PlanMove(
                csv[at[0]].ToString(),
                Integer(csv[at[1]], PlanWriter.MovesFile, line),
                csv[at[2]].ToString(),
                csv[at[3]].ToString(),
                csv[at[4]].ToString(),
                csv[at[5]].ToString(),
                csv[at[6]].ToString(),
                Integer(csv[at[7]], PlanWriter.MovesFile, line),
                csv[at[8]].ToString(),
                csv[at[9]].ToString(),
                Cents(csv[at[10]], PlanWriter.MovesFile, line),
                Cents(csv[at[11]], PlanWriter.MovesFile, line),
                reason,
                csv[at[14]].SequenceEqual("elevated") ? ApprovalLevel.Elevated : ApprovalLevel.Standard));
        }

        return moves;
    }

    /// <summary>The rows of <c>blocked.csv</c>, optionally only those of one SKU.</summary>
    /// <param name="reader">The file's text.</param>
    /// <param name="sku">Only rows of this SKU, or <see langword="null"/> for every row.</param>
    /// <returns>The rows, in file order.</returns>
    public static List<BlockedRow> ReadBlocked(TextReader reader, string? sku = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var rows = new List<BlockedRow>();
        using var csv = new CsvRecordReader(reader);
        var at = Header(csv, PlanWriter.BlockedFile, BlockedColumns);
        while (csv.Read())
        {
            if (csv.IsBlank)
            {
                continue;
            }

            Check(csv, PlanWriter.BlockedFile, BlockedColumns.Length);
            if (sku is not null && !csv[at[1]].SequenceEqual(sku))
            {
                continue;
            }

            var codeName = csv[at[3]].ToString();
            if (!ReasonNames.TryParse(codeName, out ReasonCode code))
            {
                throw Bad(PlanWriter.BlockedFile, csv.RecordLine, $"unknown reason code '{codeName}'");
            }

            rows.Add(new BlockedRow(csv[at[0]].ToString(), csv[at[1]].ToString(), Integer(csv[at[2]], PlanWriter.BlockedFile, csv.RecordLine), code, csv[at[4]].ToString()));
        }

        return rows;
    }

    /// <summary>Each column's field in the header (the writer's names; any order).</summary>
    private static int[] Header(CsvRecordReader csv, string file, string[] columns)
    {
        if (!csv.Read())
        {
            throw Bad(file, 1, "the file is empty");
        }

        var at = new int[columns.Length];
        for (var c = 0; c < columns.Length; c++)
        {
            at[c] = -1;
            for (var f = 0; f < csv.FieldCount; f++)
            {
                if (csv[f].Trim().Equals(columns[c], StringComparison.OrdinalIgnoreCase))
                {
                    at[c] = f;
                }
            }

            if (at[c] < 0)
            {
                throw Bad(file, 1, $"missing column '{columns[c]}'");
            }
        }

        return at;
    }

    private static void Check(CsvRecordReader csv, string file, int fields)
    {
        if (csv.Malformed is { } malformed)
        {
            throw Bad(file, csv.RecordLine, malformed);
        }

        if (csv.FieldCount != fields)
        {
            throw Bad(file, csv.RecordLine, string.Create(CultureInfo.InvariantCulture, $"{csv.FieldCount} fields, the header has {fields}"));
        }
    }

    private static int Integer(ReadOnlySpan<char> text, string file, int line) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Bad(file, line, $"'{text.ToString()}' is not an integer");

    /// <summary>An amount written with 2 decimals, in cents.</summary>
    private static long Cents(ReadOnlySpan<char> text, string file, int line) =>
        decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            && decimal.Round(value, 2) == value
            ? (long)(value * 100)
            : throw Bad(file, line, $"'{text.ToString()}' is not an amount with 2 decimals");

    private static FormatException Bad(string file, int line, string message) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{file}:{line}: {message}"));
}
