using System.Globalization;
using Rebalancing.Engine.Output;

namespace Rebalancing.Engine.Tests.Writing;

/// <summary>The allocation-free formatting of the plan files gives exactly what the decimal and string formatting gave.</summary>
public sealed class PlanWriterFormatTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(-1L)]
    [InlineData(5L)]
    [InlineData(-5L)]
    [InlineData(10L)]
    [InlineData(99L)]
    [InlineData(-99L)]
    [InlineData(100L)]
    [InlineData(-100L)]
    [InlineData(123456789L)]
    [InlineData(-123456789L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void Money_Format_MatchesDecimalFormatting(long cents) =>
        Assert.Equal((cents / 100m).ToString("0.00", CultureInfo.InvariantCulture), Money.Format(cents));

    [Fact]
    public void Money_Format_MatchesDecimalFormattingOnARange()
    {
        for (var cents = -100_000L; cents <= 100_000L; cents += 7)
        {
            Assert.Equal((cents / 100m).ToString("0.00", CultureInfo.InvariantCulture), Money.Format(cents));
        }
    }

    [Fact]
    public void CsvText_QuotesOnlyFieldsThatNeedIt_AndDoublesQuotes()
    {
        using var text = new StringWriter();
        using (var csv = new CsvText(text))
        {
            csv.Row("plain", "a,b", "say \"hi\"", "two\nlines", "cr\r", string.Empty);
            csv.Field(-42);
            csv.Money(-150);
            csv.Field("\"");
            csv.EndRow();
        }

        Assert.Equal("plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",\n-42,-1.50,\"\"\"\"\n", text.ToString());
    }

    [Fact]
    public void CsvText_WritesFieldsLongerThanItsBuffer()
    {
        var longField = new string('x', 100_000) + ",";
        using var text = new StringWriter();
        using (var csv = new CsvText(text))
        {
            for (var i = 0; i < 3; i++)
            {
                csv.Row("a", longField, "b");
            }
        }

        var row = "a,\"" + longField + "\",b\n";
        Assert.Equal(row + row + row, text.ToString());
    }
}
