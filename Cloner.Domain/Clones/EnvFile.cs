using System.Text;
using System.Text.RegularExpressions;

namespace Cloner.Domain.Clones;

/// <summary>
/// Writes and reads a clone's <c>.env</c>: one <c>KEY='value'</c> a line. A value that cannot
/// be written inside single quotes without escaping is refused rather than mangled.
/// </summary>
public static partial class EnvFile
{
    [GeneratedRegex("^[A-Z_][A-Z0-9_]*$")]
    public static partial Regex KeyPattern();

    /// <summary>Why <paramref name="value"/> cannot be written to a .env file, or null.</summary>
    public static string? ValueProblem(string value)
    {
        foreach (var c in value)
        {
            var problem = c switch
            {
                '\'' => "a single quote (')",
                '\\' => "a backslash (\\)",
                '\r' => "a carriage return",
                '\n' => "a line break",
                '\0' => "a NUL character",
                _ => null,
            };
            if (problem is not null)
            {
                return $"contains {problem}, which a .env value cannot hold";
            }
        }

        return null;
    }

    public static string Write(IEnumerable<KeyValuePair<string, string>> entries)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in entries)
        {
            if (!KeyPattern().IsMatch(key))
            {
                throw new EnvFileException($"env key '{key}' must match ^[A-Z_][A-Z0-9_]*$");
            }

            if (ValueProblem(value) is { } problem)
            {
                throw new EnvFileException($"env value of {key} {problem}");
            }

            text.Append(key).Append("='").Append(value).Append("'\n");
        }

        return text.ToString();
    }

    /// <summary>Reads what <see cref="Write"/> wrote; blank lines and # comments are skipped.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string text)
    {
        var entries = new List<KeyValuePair<string, string>>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var equals = line.IndexOf('=');
            if (equals <= 0)
            {
                throw new EnvFileException($"line {lineNumber} has no KEY=value");
            }

            var key = line[..equals];
            var value = line[(equals + 1)..];
            if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'')
            {
                value = value[1..^1];
            }

            entries.Add(new(key, value));
        }

        return entries;
    }
}

public sealed class EnvFileException(string message) : Exception(message);
