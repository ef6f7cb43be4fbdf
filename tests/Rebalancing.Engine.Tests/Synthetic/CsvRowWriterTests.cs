using System.Globalization;
using Rebalancing.Engine.Synthetic;

namespace Rebalancing.Engine.Tests.Synthetic;

public sealed class CsvRowWriterTests
{
    [Fact]
    public void Field_TextWithCommaQuoteOrLineBreak_IsQuotedPerRfc4180()
    {
        string text = Write(csv =>
        {
            csv.Field("plain");
            csv.Field("a,b");
            csv.Field("say \"hi\"");
            csv.Field("two\nlines");
            csv.EndRow();
        });

        Assert.Equal("h\nplain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\n", text);
    }

    [Fact]
    public void Field_Values_AreInvariantWithLineFeeds()
    {
        string text = Write(csv =>
        {
            csv.Field(1234567L);
            csv.Field(12.5m);
            csv.Field(12.00m);
            csv.Field(0.126, "0.##");
            csv.Field(-26.204123456, "0.#####");
            csv.Field(true);
            csv.Field(false);
            csv.Empty();
            csv.Field(null);
            csv.Field("FW-0001-BLK", '-', "10");
            csv.EndRow();
        });

        Assert.Equal("h\n1234567,12.5,12,0.13,-26.20412,true,false,,,FW-0001-BLK-10\n", text);
    }

    [Fact]
    public void Field_LongText_GrowsTheBuffer()
    {
        string longText = new('x', 5000);

        string text = Write(csv =>
        {
            csv.Field(longText);
            csv.Field(1.5m);
            csv.EndRow();
        });

        Assert.Equal("h\n" + longText + ",1.5\n", text);
    }

    [Fact]
    public void Rows_CountsDataRowsOnly()
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var csv = new CsvRowWriter(writer, "h");

        csv.Field(1);
        csv.EndRow();
        csv.Field(2);
        csv.EndRow();

        Assert.Equal(2, csv.Rows);
    }

    private static string Write(Action<CsvRowWriter> write)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        write(new CsvRowWriter(writer, "h"));
        return writer.ToString();
    }
}
