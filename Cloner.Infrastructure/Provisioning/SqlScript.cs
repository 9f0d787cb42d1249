namespace Cloner.Infrastructure.Provisioning;

/// <summary>
/// Splits a schema script into statements at the semicolons outside quotes and comments, each
/// with the line it starts on, so that a failing statement can be named by its line.
/// </summary>
/// <remarks>
/// A <c>DELIMITER</c> line (as mysql client scripts use for procedures and triggers) is not
/// understood: such a script is split at the semicolons inside the body and fails on the
/// server; write the schema without stored procedures or triggers.
/// </remarks>
public static class SqlScript
{
    public static IReadOnlyList<SqlStatement> Split(string script)
    {
        ArgumentNullException.ThrowIfNull(script);

        var statements = new List<SqlStatement>();
        var start = -1;
        var startLine = 1;
        var line = 1;
        var i = 0;
        while (i < script.Length)
        {
            var c = script[i];
            var next = i + 1 < script.Length ? script[i + 1] : '\0';

            if (c == '\n')
            {
                line++;
                i++;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (c == '#' || (c == '-' && next == '-' && IsBlankOrEnd(script, i + 2)))
            {
                var lineEnd = script.IndexOf('\n', i);
                i = lineEnd < 0 ? script.Length : lineEnd;
                continue;
            }

            if (c == '/' && next == '*')
            {
                var end = SkipTo(script, i + 2, "*/");
                line += Count(script, i, end, '\n');
                i = end;
                continue;
            }

            if (start < 0)
            {
                start = i;
                startLine = line;
            }

            if (c is '\'' or '"' or '`')
            {
                var end = SkipQuoted(script, i, c);
                line += Count(script, i, end, '\n');
                i = end;
                continue;
            }

            if (c == ';')
            {
                statements.Add(new SqlStatement(script[start..i].Trim(), startLine));
                start = -1;
            }

            i++;
        }

        if (start >= 0)
        {
            statements.Add(new SqlStatement(script[start..].Trim(), startLine));
        }

        return statements;
    }

    private static bool IsBlankOrEnd(string text, int index) =>
        index >= text.Length || char.IsWhiteSpace(text[index]);

    /// <summary>The index just after <paramref name="end"/>, or the end of the text.</summary>
    private static int SkipTo(string text, int from, string end)
    {
        var found = text.IndexOf(end, from, StringComparison.Ordinal);
        return found < 0 ? text.Length : found + end.Length;
    }

    /// <summary>
    /// The index just after the closing quote; doubled quotes and backslashes escape.
    /// </summary>
    private static int SkipQuoted(string text, int open, char quote)
    {
        var i = open + 1;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\' && quote != '`')
            {
                i += 2;
                continue;
            }

            if (c == quote)
            {
                if (i + 1 < text.Length && text[i + 1] == quote)
                {
                    i += 2;
                    continue;
                }

                return i + 1;
            }

            i++;
        }

        return text.Length;
    }

    private static int Count(string text, int from, int to, char c)
    {
        var count = 0;
        for (var i = from; i < to && i < text.Length; i++)
        {
            if (text[i] == c)
            {
                count++;
            }
        }

        return count;
    }
}

/// <summary>One statement of a script and the line (from 1) it starts on.</summary>
public sealed record SqlStatement(string Text, int Line);
