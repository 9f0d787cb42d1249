using System.Globalization;
using System.Text.RegularExpressions;

namespace Cloner.Infrastructure.Blueprints;

/// <summary>
/// Durations in blueprint files: a number and a unit, such as <c>10s</c>, <c>500ms</c>, <c>2m</c>.
/// </summary>
internal static partial class Durations
{
    [GeneratedRegex(@"^(?<number>\d{1,9}(?:\.\d{1,3})?)\s?(?<unit>ms|s|m|h)?$")]
    private static partial Regex Pattern();

    /// <summary>
    /// Parses <paramref name="text"/>; a bare number is seconds only when
    /// <paramref name="bareNumberIsSeconds"/> (for keys named in seconds, like startSeconds).
    /// </summary>
    public static bool TryParse(string text, bool bareNumberIsSeconds, out TimeSpan duration)
    {
        duration = default;
        var match = Pattern().Match(text.Trim());
        if (!match.Success)
        {
            return false;
        }

        var unit = match.Groups["unit"];
        if (!unit.Success && !bareNumberIsSeconds)
        {
            return false;
        }

        var number = double.Parse(match.Groups["number"].Value, CultureInfo.InvariantCulture);
        duration = (unit.Success ? unit.Value : "s") switch
        {
            "ms" => TimeSpan.FromMilliseconds(number),
            "s" => TimeSpan.FromSeconds(number),
            "m" => TimeSpan.FromMinutes(number),
            _ => TimeSpan.FromHours(number),
        };
        return true;
    }
}
