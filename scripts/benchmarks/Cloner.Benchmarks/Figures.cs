using System.Globalization;

namespace Cloner.Benchmarks;

/// <summary>Medians and percentiles of measured values.</summary>
internal static class Figures
{
    public static double Median(IReadOnlyList<double> values) => Percentile(values, 50);

    /// <summary>Nearest rank: the smallest value with p % of the values at or below it.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static string Num(double value, string format = "0.0") =>
        value.ToString(format, CultureInfo.InvariantCulture);
}

/// <summary>One measured figure, its target and whether the target was met.</summary>
internal sealed record Figure(string Name, string Value, string Target, bool? Met);

internal sealed class FigureTable
{
    private readonly List<Figure> _rows = [];

    public bool AllMet => _rows.All(r => r.Met is not false);

    public void Add(string name, string value, string target = "", bool? met = null) =>
        _rows.Add(new Figure(name, value, target, met));

    public void Print(TextWriter writer)
    {
        var nameWidth = Math.Max(6, _rows.Max(r => r.Name.Length));
        var valueWidth = Math.Max(5, _rows.Max(r => r.Value.Length));
        var targetWidth = Math.Max(6, _rows.Max(r => r.Target.Length));
        writer.WriteLine(
            $"{"figure".PadRight(nameWidth)}  {"value".PadLeft(valueWidth)}  "
            + $"{"target".PadRight(targetWidth)}  result");
        writer.WriteLine(new string('-', nameWidth + valueWidth + targetWidth + 14));
        foreach (var row in _rows)
        {
            var result = row.Met switch
            {
                true => "ok",
                false => "MISSED",
                null => "",
            };
            writer.WriteLine(
                $"{row.Name.PadRight(nameWidth)}  {row.Value.PadLeft(valueWidth)}  "
                + $"{row.Target.PadRight(targetWidth)}  {result}");
        }
    }
}
