using System.Text.RegularExpressions;
using Cloner.Domain.Clones;

namespace Cloner.Domain.Blueprints;

/// <summary>
/// Checks a parsed blueprint against the rules of the blueprint format. The loader reports
/// every problem found, each naming the key, so an operator can fix a file in one go.
/// </summary>
public static partial class BlueprintRules
{
    [GeneratedRegex("^[a-z][a-z0-9-]{0,30}$")]
    public static partial Regex BlueprintName();

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    public static partial Regex InputKey();

    [GeneratedRegex("^[a-z][a-z0-9]{0,15}$")]
    public static partial Regex ClonePrefix();

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,30}$")]
    public static partial Regex SlotOrComponentName();

    public static IReadOnlyList<(string Key, string Message)> Check(Blueprint blueprint)
    {
        var problems = new List<(string Key, string Message)>();

        if (!BlueprintName().IsMatch(blueprint.Name))
        {
            problems.Add(("name", $"'{blueprint.Name}' must match ^[a-z][a-z0-9-]{{0,30}}$"));
        }

        if (!ClonePrefix().IsMatch(blueprint.ClonePrefix))
        {
            problems.Add(("clonePrefix",
                $"'{blueprint.ClonePrefix}' must be 1 to 16 lower-case letters or digits"));
        }

        CheckInputs(blueprint, problems);
        CheckPorts(blueprint, problems);
        CheckEnv(blueprint, problems);
        CheckComponents(blueprint, problems);
        return problems;
    }

    private static void CheckInputs(Blueprint blueprint, List<(string, string)> problems)
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < blueprint.Inputs.Count; i++)
        {
            var input = blueprint.Inputs[i];
            var key = $"inputs[{i}]";
            if (!InputKey().IsMatch(input.Key))
            {
                problems.Add(($"{key}.key", $"'{input.Key}' must match ^[a-z][a-z0-9_]*$"));
            }
            else if (!seen.Add(input.Key))
            {
                problems.Add(($"{key}.key", $"'{input.Key}' is listed twice"));
            }

            if (input.Pattern is { } pattern && !IsValidRegex(pattern))
            {
                problems.Add(($"{key}.pattern", $"'{pattern}' is not a valid regular expression"));
            }
        }
    }

    private static void CheckPorts(Blueprint blueprint, List<(string, string)> problems)
    {
        var seen = new HashSet<string>();
        foreach (var slot in blueprint.Ports)
        {
            var key = $"ports.{slot.Name}";
            if (!SlotOrComponentName().IsMatch(slot.Name))
            {
                problems.Add((key, $"slot name '{slot.Name}' must match ^[a-z][a-z0-9_-]{{0,30}}$"));
            }

            if (!seen.Add(slot.Name))
            {
                problems.Add((key, "is listed twice"));
            }

            if (slot.From < 1024 || slot.To > 65535 || slot.From > slot.To)
            {
                problems.Add((key,
                    $"range {slot.From}-{slot.To} must lie within 1024-65535 with from <= to"));
            }
        }

        for (var i = 0; i < blueprint.Ports.Count; i++)
        {
            for (var j = i + 1; j < blueprint.Ports.Count; j++)
            {
                var (a, b) = (blueprint.Ports[i], blueprint.Ports[j]);
                if (a.From <= b.To && b.From <= a.To)
                {
                    problems.Add(($"ports.{b.Name}", $"range overlaps the range of ports.{a.Name}"));
                }
            }
        }
    }

    private static void CheckEnv(Blueprint blueprint, List<(string, string)> problems)
    {
        var seen = new HashSet<string>();
        foreach (var entry in blueprint.Env)
        {
            if (!EnvFile.KeyPattern().IsMatch(entry.Key))
            {
                problems.Add(($"env.{entry.Key}", "key must match ^[A-Z_][A-Z0-9_]*$"));
            }
            else if (!seen.Add(entry.Key))
            {
                problems.Add(($"env.{entry.Key}", "is listed twice"));
            }
        }
    }

    private static void CheckComponents(Blueprint blueprint, List<(string, string)> problems)
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < blueprint.Components.Count; i++)
        {
            var component = blueprint.Components[i];
            var key = $"components[{i}]";
            if (!SlotOrComponentName().IsMatch(component.Name))
            {
                problems.Add(($"{key}.name",
                    $"'{component.Name}' must match ^[a-z][a-z0-9_-]{{0,30}}$"));
            }
            else if (!seen.Add(component.Name))
            {
                problems.Add(($"{key}.name", $"'{component.Name}' is listed twice"));
            }

            if (string.IsNullOrWhiteSpace(component.Command))
            {
                problems.Add(($"{key}.command", "is required"));
            }

            if (component.StopTimeout <= TimeSpan.Zero || component.StopTimeout > TimeSpan.FromMinutes(10))
            {
                problems.Add(($"{key}.stopTimeout", "must be between 1 ms and 10 minutes"));
            }

            if (component.StartSeconds < TimeSpan.Zero || component.StartSeconds > TimeSpan.FromMinutes(5))
            {
                problems.Add(($"{key}.startSeconds", "must be between 0 and 300 seconds"));
            }
        }
    }

    private static bool IsValidRegex(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
