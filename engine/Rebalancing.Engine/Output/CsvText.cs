using System.Buffers;
using System.Globalization;

namespace Rebalancing.Engine.Output;

/// <summary>
/// Writes RFC 4180 rows for the files the engine writes: fields are quoted only when they hold a comma, a quote or a
/// line break (quotes doubled inside), rows end with <c>\n</c>. Numbers are formatted invariantly straight into a
/// pooled buffer that goes to the <see cref="TextWriter"/> in large blocks, so a row allocates nothing.
/// </summary>
internal sealed class CsvText : IDisposable
{
    private const int BufferSize = 1 << 15;
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");
    private readonly TextWriter writer;
    private char[] buffer;
    private int length;
    private bool rowStarted;

    public CsvText(TextWriter writer)
    {
        this.writer = writer;
        buffer = ArrayPool<char>.Shared.Rent(BufferSize);
    }

    /// <summary>Writes a whole row of text fields.</summary>
    public void Row(params ReadOnlySpan<string> fields)
    {
        foreach (var field in fields)
        {
            Field(field);
        }

        EndRow();
    }

    public void Field(ReadOnlySpan<char> value)
    {
        Separator();
        if (value.IndexOfAny(NeedsQuotes) < 0)
        {
            Append(value);
            return;
        }

        Append('"');
        int quote;
        while ((quote = value.IndexOf('"')) >= 0)
        {
            Append(value[..(quote + 1)]);
            Append('"');
            value = value[(quote + 1)..];
        }

        Append(value);
        Append('"');
    }

    public void Field(long value)
    {
        Separator();
        Reserve(20);
        value.TryFormat(buffer.AsSpan(length), out var written, default, CultureInfo.InvariantCulture);
        length += written;
    }

    /// <summary>An amount in cents written as <see cref="Output.Money.Format(long)"/> does.</summary>
    public void Money(long cents)
    {
        Separator();
        Reserve(Output.Money.MaxLength);
        length += Output.Money.Format(cents, buffer.AsSpan(length));
    }

    public void EndRow()
    {
        Append('\n');
        rowStarted = false;
    }

    /// <summary>Hands what is buffered to the writer (the writer itself is not flushed).</summary>
    public void Flush()
    {
        if (length > 0)
        {
            writer.Write(buffer, 0, length);
            length = 0;
        }
    }

    public void Dispose()
    {
        Flush();
        if (buffer.Length > 0)
        {
            ArrayPool<char>.Shared.Return(buffer);
            buffer = [];
        }
    }

    private void Separator()
    {
        if (rowStarted)
        {
            Append(',');
        }

        rowStarted = true;
    }

    private void Append(char c)
    {
        Reserve(1);
        buffer[length++] = c;
    }

    private void Append(ReadOnlySpan<char> text)
    {
        if (text.Length > buffer.Length - length)
        {
            Flush();
            if (text.Length > buffer.Length)
            {
                writer.Write(text);
                return;
            }
        }

        text.CopyTo(buffer.AsSpan(length));
        length += text.Length;
    }

    private void Reserve(int count)
    {
        if (buffer.Length - length < count)
        {
            Flush();
        }
    }
}
