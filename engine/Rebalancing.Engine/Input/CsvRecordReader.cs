namespace Rebalancing.Engine.Input;

/// <summary>
/// A streaming RFC 4180 reader: comma separated, double-quote quoting with doubled quotes inside, quoted fields may
/// span lines. Fields are exposed as spans over a reused buffer, so reading allocates nothing per row.
/// </summary>
internal sealed class CsvRecordReader : IDisposable
{
    private const int BufferSize = 1 << 16;
    private readonly TextReader reader;
    private readonly char[] buffer = new char[BufferSize];
    private int position;
    private int length;
    private int line = 1;
    private char[] fields = new char[1024];
    private int fieldsLength;
    private int[] starts = new int[32];
    private int[] ends = new int[32];
    private bool pendingCarriageReturn;

    public CsvRecordReader(TextReader reader) => this.reader = reader;

    /// <summary>The 1-based line where the current record starts.</summary>
    public int RecordLine { get; private set; }

    /// <summary>Number of fields in the current record.</summary>
    public int FieldCount { get; private set; }

    /// <summary>A quoting problem in the current record, or null.</summary>
    public string? Malformed { get; private set; }

    /// <summary>True when the current record is one empty field (a blank line).</summary>
    public bool IsBlank => FieldCount == 1 && ends[0] == starts[0];

    public ReadOnlySpan<char> this[int index] => fields.AsSpan(starts[index], ends[index] - starts[index]);

    /// <summary>Reads the next record.</summary>
    /// <returns>False at the end of the input.</returns>
    public bool Read()
    {
        FieldCount = 0;
        fieldsLength = 0;
        Malformed = null;
        if (!EnsureData())
        {
            return false;
        }

        SkipLineFeedAfterCarriageReturn();
        if (!EnsureData())
        {
            return false;
        }

        RecordLine = line;
        while (true)
        {
            var (endOfRecord, _) = ReadField();
            if (endOfRecord)
            {
                return true;
            }
        }
    }

    public void Dispose() => reader.Dispose();

    private (bool EndOfRecord, bool Quoted) ReadField()
    {
        StartField();
        if (!EnsureData())
        {
            EndField();
            return (true, false);
        }

        if (buffer[position] == '"')
        {
            position++;
            ReadQuoted();
            EndField();

            // After the closing quote: a comma, the end of the line, or the end of the input.
            while (true)
            {
                if (!EnsureData())
                {
                    return (true, true);
                }

                var c = buffer[position++];
                if (c == ',')
                {
                    return (false, true);
                }

                if (c == '\n' || c == '\r')
                {
                    EndOfLine(c);
                    return (true, true);
                }

                Malformed ??= "unexpected character after a closing quote";
            }
        }

        while (true)
        {
            if (!EnsureData())
            {
                EndField();
                return (true, false);
            }

            var span = buffer.AsSpan(position, length - position);
            var stop = span.IndexOfAny(',', '\n', '\r');
            if (stop < 0)
            {
                Append(span);
                position = length;
                continue;
            }

            Append(span[..stop]);
            position += stop;
            var c = buffer[position++];
            EndField();
            if (c == ',')
            {
                return (false, false);
            }

            EndOfLine(c);
            return (true, false);
        }
    }

    private void ReadQuoted()
    {
        while (true)
        {
            if (!EnsureData())
            {
                Malformed ??= "a quoted field is not closed";
                return;
            }

            var span = buffer.AsSpan(position, length - position);
            var stop = span.IndexOfAny('"', '\n', '\r');
            if (stop < 0)
            {
                Append(span);
                position = length;
                continue;
            }

            Append(span[..stop]);
            position += stop;
            var c = buffer[position++];
            if (c == '"')
            {
                if (EnsureData() && buffer[position] == '"')
                {
                    Append("\"");
                    position++;
                    continue;
                }

                return;
            }

            // A line break inside quotes belongs to the value; count the line.
            if (c == '\r')
            {
                if (EnsureData() && buffer[position] == '\n')
                {
                    position++;
                }

                Append("\r\n");
            }
            else
            {
                Append("\n");
            }

            line++;
        }
    }

    private void EndOfLine(char c)
    {
        line++;
        pendingCarriageReturn = c == '\r';
    }

    private void SkipLineFeedAfterCarriageReturn()
    {
        if (pendingCarriageReturn)
        {
            pendingCarriageReturn = false;
            if (buffer[position] == '\n')
            {
                position++;
            }
        }
    }

    private void StartField()
    {
        if (FieldCount == starts.Length)
        {
            Array.Resize(ref starts, starts.Length * 2);
            Array.Resize(ref ends, ends.Length * 2);
        }

        starts[FieldCount] = fieldsLength;
    }

    private void EndField()
    {
        ends[FieldCount] = fieldsLength;
        FieldCount++;
    }

    private void Append(ReadOnlySpan<char> text)
    {
        if (fieldsLength + text.Length > fields.Length)
        {
            Array.Resize(ref fields, Math.Max(fields.Length * 2, fieldsLength + text.Length));
        }

        text.CopyTo(fields.AsSpan(fieldsLength));
        fieldsLength += text.Length;
    }

    private bool EnsureData()
    {
        if (position < length)
        {
            return true;
        }

        length = reader.Read(buffer, 0, buffer.Length);
        position = 0;
        return length > 0;
    }
}
