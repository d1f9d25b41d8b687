using System.Globalization;
using System.Text;

namespace FineTune.Models.FineTuning;

/// <summary>
/// The loss curve as a small self-contained SVG: training loss per step (light) with a moving
/// average (dark), validation loss as dots. People read a curve faster than a table of losses.
/// </summary>
public static class LossChart
{
    private const int Width = 640, Height = 320, Margin = 40, Smoothing = 20;

    public static void Write(string path, IReadOnlyList<FineTuneRecord> history, string title) => File.WriteAllText(path, Render(history, title));

    public static string Render(IReadOnlyList<FineTuneRecord> history, string title)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"11\">");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin}\" y=\"16\" font-size=\"13\">{Escape(title)}</text>");
        if (history.Count == 0) return svg.Append("</svg>").ToString();

        var values = history.Select(h => h.Loss).Concat(history.Where(h => h.ValidationLoss is not null).Select(h => h.ValidationLoss!.Value)).ToList();
        double top = values.Max(), bottom = Math.Min(0, values.Min()), lastStep = Math.Max(1, history[^1].Step);
        string X(double step) => (Margin + (Width - 2 * Margin) * step / lastStep).ToString("F1", CultureInfo.InvariantCulture);
        string Y(double loss) => (Height - Margin - (Height - 2 * Margin) * (loss - bottom) / Math.Max(1e-9, top - bottom)).ToString("F1", CultureInfo.InvariantCulture);

        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Margin}\" y1=\"{Height - Margin}\" x2=\"{Width - Margin}\" y2=\"{Height - Margin}\" stroke=\"#888\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Margin}\" y1=\"{Margin}\" x2=\"{Margin}\" y2=\"{Height - Margin}\" stroke=\"#888\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{Y(top)}\">{top:F2}</text><text x=\"4\" y=\"{Y(bottom)}\">{bottom:F2}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Margin - 40}\" y=\"{Height - Margin + 16}\">step {lastStep:F0}</text>");
        Polyline(svg, history.Select(h => (X(h.Step), Y(h.Loss))), "#9ecae1", 1);
        var smoothed = history.Select((h, i) => (X(h.Step), Y(history.Skip(Math.Max(0, i - Smoothing + 1)).Take(Math.Min(Smoothing, i + 1)).Average(r => r.Loss))));
        Polyline(svg, smoothed, "#08519c", 2);
        foreach (var h in history.Where(h => h.ValidationLoss is not null))
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(h.Step)}\" cy=\"{Y(h.ValidationLoss!.Value)}\" r=\"3\" fill=\"#e6550d\"><title>step {h.Step}: validation {h.ValidationLoss:F4}</title></circle>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - 220}\" y=\"16\" fill=\"#08519c\">training loss (avg of {Smoothing})</text><text x=\"{Width - 90}\" y=\"16\" fill=\"#e6550d\">validation</text>");
        return svg.Append("</svg>").ToString();
    }

    private static void Polyline(StringBuilder svg, IEnumerable<(string X, string Y)> points, string colour, int width) =>
        svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\" points=\"{string.Join(" ", points.Select(p => $"{p.X},{p.Y}"))}\"/>");

    private static string Escape(string text) => System.Security.SecurityElement.Escape(text) ?? "";
}
