using System.Text.RegularExpressions;

namespace Cloner.Domain.Clones;

/// <summary>
/// The rules for a clone's name and the MySQL identifiers derived from it. Everything that
/// becomes a folder, a database, a user or a vhost file name passes through here first.
/// </summary>
public static partial class CloneName
{
    public const int DatabaseNameLimit = 64;
    public const int UserNameLimit = 32;

    [GeneratedRegex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$")]
    private static partial Regex Pattern();

    /// <summary>Why <paramref name="name"/> is not a valid clone name, or null when it is.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "the name is empty";
        }

        if (name.Length > 32)
        {
            return $"the name is {name.Length} characters long; at most 32 are allowed";
        }

        if (name.Contains("--", StringComparison.Ordinal))
        {
            return "the name may not contain '--'";
        }

        if (!Pattern().IsMatch(name))
        {
            return "the name must start with a lower-case letter, end with a letter or digit, " +
                "and hold only lower-case letters, digits and single '-' (2 to 32 characters)";
        }

        return null;
    }

    public static bool IsValid(string? name) => Problem(name) is null;

    /// <summary>The MySQL database name of a clone: its name with '-' turned into '_'.</summary>
    public static string DatabaseName(string clone) => Identifier(clone, DatabaseNameLimit);

    /// <summary>The MySQL user name of a clone: the same as its database name.</summary>
    public static string UserName(string clone) => Identifier(clone, UserNameLimit);

    private static string Identifier(string clone, int limit)
    {
        if (Problem(clone) is { } problem)
        {
            throw new ArgumentException($"'{clone}' is not a clone name: {problem}", nameof(clone));
        }

        var identifier = clone.Replace('-', '_');
        return identifier.Length <= limit
            ? identifier
            : throw new ArgumentException($"'{identifier}' is longer than {limit} characters");
    }
}
