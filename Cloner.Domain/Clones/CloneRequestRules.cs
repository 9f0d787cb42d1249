using System.Text.RegularExpressions;
using Cloner.Domain.Blueprints;

namespace Cloner.Domain.Clones;

/// <summary>Checks a create request against its blueprint before anything is made.</summary>
public static class CloneRequestRules
{
    /// <summary>
    /// The longest input value. Every value ends up in a component's environment, and Linux
    /// refuses to start a process whose environment holds a string of more than 128 KiB.
    /// </summary>
    public const int MaxInputLength = 4096;

    // What a value rendered into the nginx template may hold: nothing that ends a directive
    // (;), opens or closes a block, quotes, starts a comment or a variable, or splits words.
    private static readonly Regex NginxSafe = new(@"^[A-Za-z0-9._:@~+=,/-]*$", RegexOptions.None,
        TimeSpan.FromSeconds(1));

    /// <summary>Every problem of the request, keyed by the field it concerns.</summary>
    public static Dictionary<string, string[]> Check(CreateCloneRequest request, Blueprint blueprint)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string problem)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(problem);
        }

        if (request.Name is not null && CloneName.Problem(request.Name) is { } nameProblem)
        {
            Add("name", $"'{Printable(request.Name)}' is not a valid clone name: {nameProblem}");
        }

        foreach (var key in request.Inputs.Keys)
        {
            if (!blueprint.Inputs.Any(i => i.Key == key))
            {
                Add($"inputs.{key}", $"blueprint '{blueprint.Name}' has no input '{Printable(key)}'");
            }
        }

        foreach (var input in blueprint.Inputs)
        {
            request.Inputs.TryGetValue(input.Key, out var value);
            if (string.IsNullOrEmpty(value))
            {
                if (input.Required)
                {
                    Add($"inputs.{input.Key}", $"{input.Label} is required");
                }

                continue;
            }

            if (value.Length > MaxInputLength)
            {
                Add($"inputs.{input.Key}", $"{input.Label} is {value.Length} characters long; " +
                    $"at most {MaxInputLength} are allowed");
                continue;
            }

            if (EnvFile.ValueProblem(value) is { } envProblem)
            {
                Add($"inputs.{input.Key}", $"{input.Label} {envProblem}");
                continue;
            }

            if (UsedInNginxTemplate(blueprint, input.Key) && !NginxSafe.IsMatch(value))
            {
                Add($"inputs.{input.Key}", $"{input.Label} goes into the nginx route, so it may " +
                    "hold only letters, digits and . _ : @ ~ + = , / -");
                continue;
            }

            if (input.Pattern is { } pattern && !FullyMatches(value, pattern))
            {
                Add($"inputs.{input.Key}", $"{input.Label} does not match the pattern {pattern}");
            }
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }

    /// <summary>
    /// Whether the nginx template names the input as <c>inputs.key</c>. A template that reaches
    /// it another way (<c>inputs["key"]</c>, a loop over inputs) is not seen, and its values
    /// are then not checked for nginx syntax.
    /// </summary>
    private static bool UsedInNginxTemplate(Blueprint blueprint, string key) =>
        blueprint.NginxTemplate is { } template
        && Regex.IsMatch(template, $@"\binputs\.{Regex.Escape(key)}\b", RegexOptions.None,
            TimeSpan.FromSeconds(1));

    private static bool FullyMatches(string value, string pattern)
    {
        try
        {
            var match = Regex.Match(value, pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            return match.Success && match.Index == 0 && match.Length == value.Length;
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>The value as it can be shown in an error: control characters spelled out, cut at 64.</summary>
    public static string Printable(string value)
    {
        var shown = Regex.Replace(value, @"\p{C}", m => $"\\u{(int)m.Value[0]:x4}");
        return shown.Length <= 64 ? shown : shown[..64] + "...";
    }
}
