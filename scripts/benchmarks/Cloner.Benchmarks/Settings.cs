using System.Globalization;

namespace Cloner.Benchmarks;

/// <summary>What one run measures; every value can be set as <c>--name value</c>.</summary>
internal sealed record Settings
{
    public int Clones { get; init; } = 100;

    public int ComponentsPerClone { get; init; } = 3;

    /// <summary>Seconds of one CPU window; the monitor is measured over several.</summary>
    public int WindowSeconds { get; init; } = 10;

    public int Windows { get; init; } = 3;

    /// <summary>Sampling rounds timed one after the other.</summary>
    public int Rounds { get; init; } = 200;

    public int Kills { get; init; } = 50;

    /// <summary>Lines one flooding component prints (seq 1 N), and how many floods run.</summary>
    public int FloodLines { get; init; } = 1_000_000;

    public int Floods { get; init; } = 3;

    public string? WorkDir { get; init; }

    public static Settings Parse(string[] args)
    {
        var settings = new Settings();
        for (var i = 0; i < args.Length; i += 2)
        {
            var name = args[i];
            var value = i + 1 < args.Length
                ? args[i + 1]
                : throw new ArgumentException($"{name} needs a value, such as {name} 10");
            settings = name switch
            {
                "--clones" => settings with { Clones = Positive(name, value) },
                "--components" => settings with { ComponentsPerClone = Positive(name, value) },
                "--window" => settings with { WindowSeconds = Positive(name, value) },
                "--windows" => settings with { Windows = Positive(name, value) },
                "--rounds" => settings with { Rounds = Positive(name, value) },
                "--kills" => settings with { Kills = Positive(name, value) },
                "--lines" => settings with { FloodLines = Positive(name, value) },
                "--floods" => settings with { Floods = Positive(name, value) },
                "--work" => settings with { WorkDir = value },
                _ => throw new ArgumentException(
                    $"unknown option {name}; use --clones, --components, --window, --windows, "
                    + "--rounds, --kills, --lines, --floods or --work"),
            };
        }

        return settings;
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ArgumentException($"{name} '{value}' must be a whole number above 0");
}
