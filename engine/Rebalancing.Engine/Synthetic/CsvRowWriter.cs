using System.Globalization;

namespace Rebalancing.Engine.Synthetic;

/// <summary>
/// Writes CSV rows to a <see cref="TextWriter"/> one row at a time: invariant culture,
/// <c>\n</c> line endings, RFC 4180 quoting where a field needs it. A row is built in a
/// reused buffer and handed to the writer in one call.
/// </summary>
internal sealed class CsvRowWriter
{
    private readonly TextWriter _writer;
    private char[] _buffer = new char[256];
    private int _length;
    private bool _rowStarted;

    /// <summary>Starts a file: writes its header row (not counted in <see cref="Rows"/>).</summary>
    public CsvRowWriter(TextWriter writer, string header)
    {
        _writer = writer;
        _writer.Write(header);
        _writer.Write('\n');
    }

    /// <summary>Data rows written so far.</summary>
    public long Rows { get; private set; }

    /// <summary>A text field, quoted when it holds a comma, a quote or a line break.</summary>
    public void Field(string? value)
    {
        Separate();
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            Append(value);
            return;
        }

        Append('"');
        foreach (char c in value)
        {
            if (c == '"')
            {
                Append('"');
            }

            Append(c);
        }

        Append('"');
    }

    /// <summary>Two strings joined by a separator, known to need no quoting (identifiers).</summary>
    public void Field(string first, char separator, string second)
    {
        Separate();
        Append(first);
        Append(separator);
        Append(second);
    }

    /// <summary>An empty field.</summary>
    public void Empty() => Separate();

    /// <summary>An integer field.</summary>
    public void Field(long value) => Formatted(value, default);

    /// <summary>A decimal field with at most two decimals (<c>0.##</c>).</summary>
    public void Field(decimal value) => Formatted(value, "0.##");

    /// <summary>A floating-point field in the given invariant format.</summary>
    public void Field(double value, string format) => Formatted(value, format);

    /// <summary>A boolean field: <c>true</c> or <c>false</c>.</summary>
    public void Field(bool value)
    {
        Separate();
        Append(value ? "true" : "false");
    }

    /// <summary>Ends the row and writes it.</summary>
    public void EndRow()
    {
        Append('\n');
        _writer.Write(_buffer, 0, _length);
        _length = 0;
        _rowStarted = false;
        Rows++;
    }

    private void Formatted<T>(T value, ReadOnlySpan<char> format)
        where T : ISpanFormattable
    {
        Separate();
        int written;
        while (!value.TryFormat(_buffer.AsSpan(_length), out written, format, CultureInfo.InvariantCulture))
        {
            Grow(64);
        }

        _length += written;
    }

    private void Separate()
    {
        if (_rowStarted)
        {
            Append(',');
        }

        _rowStarted = true;
    }

    private void Append(char c)
    {
        if (_length == _buffer.Length)
        {
            Grow(1);
        }

        _buffer[_length++] = c;
    }

    private void Append(string s)
    {
        if (_length + s.Length > _buffer.Length)
        {
            Grow(s.Length);
        }

        s.AsSpan().CopyTo(_buffer.AsSpan(_length));
        _length += s.Length;
    }

    private void Grow(int atLeast) =>
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + atLeast));
}
