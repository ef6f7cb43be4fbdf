using System.Globalization;

namespace Rebalancing.Engine.Input;

/// <summary>
/// One CSV file of a snapshot being read: its header mapped to the columns a loader asks for (names matched
/// case-insensitively, order free, unknown columns warned about), typed field access that reports
/// <c>FILE:LINE: message</c> problems, and nothing allocated for fields a loader does not turn into strings.
/// </summary>
internal sealed class CsvFile : IDisposable
{
    private readonly CsvRecordReader reader;
    private readonly int[] columnIndex;
    private readonly string[] columns;

    /// <summary>The header's field count: every record must have as many (RFC 4180).</summary>
    private readonly int headerFields;

    private CsvFile(CsvRecordReader reader, string[] columns, int[] columnIndex, FileProblems problems)
    {
        this.reader = reader;
        headerFields = reader.FieldCount;
        this.columns = columns;
        this.columnIndex = columnIndex;
        Problems = problems;
    }

    public FileProblems Problems { get; }

    public int Line => reader.RecordLine;

    /// <summary>
    /// Opens a file and maps its header. Returns null (with the problem reported) when the file is missing, empty
    /// or lacks a required column.
    /// </summary>
    public static CsvFile? Open(ISnapshotSource source, FileProblems problems, string[] columns, int requiredCount, bool optionalFile = false)
    {
        var stream = source.OpenRead(problems.File);
        if (stream is null)
        {
            if (!optionalFile)
            {
                problems.Error(null, "required file is missing");
            }

            return null;
        }

        var reader = new CsvRecordReader(new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16));
        if (!reader.Read())
        {
            problems.Error(1, "the file is empty: a header row is required");
            reader.Dispose();
            return null;
        }

        var index = new int[columns.Length];
        Array.Fill(index, -1);
        for (var field = 0; field < reader.FieldCount; field++)
        {
            var name = reader[field].Trim();
            var known = -1;
            for (var c = 0; c < columns.Length; c++)
            {
                if (name.Equals(columns[c], StringComparison.OrdinalIgnoreCase))
                {
                    known = c;
                    break;
                }
            }

            if (known < 0)
            {
                problems.Warning(1, $"unknown column '{name.ToString()}' is ignored");
            }
            else if (index[known] >= 0)
            {
                problems.Error(1, $"column '{columns[known]}' appears twice");
            }
            else
            {
                index[known] = field;
            }
        }

        var missing = false;
        for (var c = 0; c < requiredCount; c++)
        {
            if (index[c] < 0)
            {
                problems.Error(1, $"missing required column '{columns[c]}'");
                missing = true;
            }
        }

        if (missing)
        {
            reader.Dispose();
            return null;
        }

        return new CsvFile(reader, columns, index, problems);
    }

    /// <summary>
    /// Reads the next data record, skipping blank lines and reporting malformed ones: a quoting problem, or a record
    /// whose field count differs from the header's (reported once, at the record's own line, and its values not read:
    /// a field too many or too few shifts every value after it, so they would only add unrelated messages).
    /// </summary>
    public bool Next()
    {
        while (reader.Read())
        {
            if (reader.IsBlank)
            {
                continue;
            }

            if (reader.Malformed is { } malformed)
            {
                Problems.Error(reader.RecordLine, malformed);
                continue;
            }

            if (reader.FieldCount != headerFields)
            {
                Problems.Error(reader.RecordLine, string.Create(CultureInfo.InvariantCulture, $"{reader.FieldCount} fields, the header has {headerFields}"));
                continue;
            }

            return true;
        }

        return false;
    }

    public ReadOnlySpan<char> Raw(int column)
    {
        var field = columnIndex[column];
        return field < 0 || field >= reader.FieldCount ? [] : reader[field].Trim();
    }

    public bool IsEmpty(int column) => Raw(column).IsEmpty;

    public string? OptionalText(int column)
    {
        var raw = Raw(column);
        return raw.IsEmpty ? null : raw.ToString();
    }

    public string? RequiredText(int column)
    {
        var raw = Raw(column);
        if (raw.IsEmpty)
        {
            Problems.Error(Line, $"{columns[column]}: a value is required");
            return null;
        }

        return raw.ToString();
    }

    /// <summary>Parses an integer; reports and returns null when it is not one or is below <paramref name="min"/>.</summary>
    public long? Integer(int column, bool required, long min = 0, long? whenEmpty = null)
    {
        var raw = Raw(column);
        if (raw.IsEmpty)
        {
            if (required)
            {
                Problems.Error(Line, $"{columns[column]}: a value is required");
            }

            return whenEmpty;
        }

        if (!long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            Problems.Error(Line, $"{columns[column]}: '{raw.ToString()}' is not an integer");
            return null;
        }

        if (value < min)
        {
            Problems.Error(Line, string.Create(CultureInfo.InvariantCulture, $"{columns[column]}: {value} is below the minimum {min}"));
            return null;
        }

        return value;
    }

    /// <summary>Parses a decimal number (<c>.</c> separator); reports and returns null when invalid or out of range.</summary>
    public double? Number(int column, bool required, double min = 0, bool minExclusive = false, double? max = null)
    {
        var raw = Raw(column);
        if (raw.IsEmpty)
        {
            if (required)
            {
                Problems.Error(Line, $"{columns[column]}: a value is required");
            }

            return null;
        }

        if (!double.TryParse(raw, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value))
        {
            Problems.Error(Line, $"{columns[column]}: '{raw.ToString()}' is not a number");
            return null;
        }

        if (value < min || (minExclusive && value <= min))
        {
            var bound = minExclusive ? "above" : "at least";
            Problems.Error(Line, string.Create(CultureInfo.InvariantCulture, $"{columns[column]}: {raw.ToString()} must be {bound} {min}"));
            return null;
        }

        if (value > max)
        {
            Problems.Error(Line, string.Create(CultureInfo.InvariantCulture, $"{columns[column]}: {raw.ToString()} must be at most {max}"));
            return null;
        }

        return value;
    }

    /// <summary>Parses <c>true</c> or <c>false</c>; empty gives <paramref name="whenEmpty"/>.</summary>
    public bool? Boolean(int column, bool whenEmpty)
    {
        var raw = Raw(column);
        if (raw.IsEmpty)
        {
            return whenEmpty;
        }

        if (raw.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (raw.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        Problems.Error(Line, $"{columns[column]}: '{raw.ToString()}' is not true or false");
        return null;
    }

    /// <summary>Parses an ISO 8601 timestamp; a value without an offset is taken as UTC.</summary>
    public DateTimeOffset? Timestamp(int column, bool required)
    {
        var raw = Raw(column);
        if (raw.IsEmpty)
        {
            if (required)
            {
                Problems.Error(Line, $"{columns[column]}: a value is required");
            }

            return null;
        }

        if (!IsoTime.TryParseInstant(raw, out var value))
        {
            Problems.Error(Line, $"{columns[column]}: '{raw.ToString()}' is not an ISO 8601 timestamp");
            return null;
        }

        return value;
    }

    public string ColumnName(int column) => columns[column];

    public void Dispose() => reader.Dispose();
}
