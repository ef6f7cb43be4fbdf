using System.Globalization;
using System.Text;
using static Rebalancing.Functions.Reports.HtmlPage;

namespace Rebalancing.Functions.Reports;

/// <summary>A bar of a chart: a label and its segments (one per series, in series order).</summary>
internal sealed record ChartBar(string Label, IReadOnlyList<double> Segments)
{
    public double Total => Segments.Sum();
}

/// <summary>Server-rendered SVG charts (horizontal bars, stacked when there are several series). No script, no fonts.</summary>
internal static class SvgCharts
{
    private static readonly string[] Palette = ["#0b5cad", "#2a9d8f", "#e9a23b", "#c0392b", "#7b5ea7", "#5b6470"];

    public static string Bars(string title, IReadOnlyList<ChartBar> bars, IReadOnlyList<string> series)
    {
        ArgumentNullException.ThrowIfNull(bars);
        ArgumentNullException.ThrowIfNull(series);
        const int labelWidth = 170, chartWidth = 300, rowHeight = 22, top = 28;
        var max = bars.Count == 0 ? 1 : Math.Max(1, bars.Max(b => b.Total));
        var height = top + Math.Max(1, bars.Count) * rowHeight + 24;
        var svg = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"<svg role=\"img\" aria-label=\"{E(title)}\" viewBox=\"0 0 {labelWidth + chartWidth + 80} {height}\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"system-ui,sans-serif\" font-size=\"12\">")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"16\" font-weight=\"600\" font-size=\"13\">{E(title)}</text>");
        if (bars.Count == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{top + 14}\" fill=\"#5b6470\">nothing to show</text>");
        }

        for (var i = 0; i < bars.Count; i++)
        {
            var y = top + i * rowHeight;
            var bar = bars[i];
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth - 6}\" y=\"{y + 14}\" text-anchor=\"end\">{E(Trim(bar.Label))}</text>");
            double x = labelWidth;
            for (var s = 0; s < bar.Segments.Count; s++)
            {
                var w = bar.Segments[s] / max * chartWidth;
                if (w > 0)
                {
                    var name = s < series.Count ? series[s] : "";
                    svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:0.##}\" y=\"{y + 3}\" width=\"{w:0.##}\" height=\"{rowHeight - 6}\" fill=\"{Palette[s % Palette.Length]}\"><title>{E(bar.Label)} {E(name)}: {N(bar.Segments[s])}</title></rect>");
                    x += w;
                }
            }

            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 4:0.##}\" y=\"{y + 14}\" fill=\"#1b1f24\">{N(bar.Total)}</text>");
        }

        if (series.Count > 1)
        {
            var ly = height - 8;
            for (var s = 0; s < series.Count; s++)
            {
                var lx = labelWidth + s * 90;
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{lx}\" y=\"{ly - 10}\" width=\"10\" height=\"10\" fill=\"{Palette[s % Palette.Length]}\"/><text x=\"{lx + 14}\" y=\"{ly}\">{E(series[s])}</text>");
            }
        }

        return svg.Append("</svg>").ToString();
    }

    private static string Trim(string label) => label.Length <= 26 ? label : label[..25] + "…";
}
