using System.Text;

namespace Cloner.Infrastructure.Provisioning;

/// <summary>
/// Splits a configured command line such as <c>nginx -t</c> into arguments the way a POSIX shell
/// would, so that it can be started without one: blanks separate words, single quotes keep
/// everything literally, double quotes keep everything but <c>\"</c>, <c>\\</c>, <c>\$</c> and
/// <c>\`</c>, and a backslash outside quotes keeps the next character. Nothing is expanded:
/// no variables, globs, pipes or redirections.
/// </summary>
public static class CommandLine
{
    public static IReadOnlyList<string> Split(string commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);

        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var i = 0;
        while (i < commandLine.Length)
        {
            var c = commandLine[i];
            if (c is ' ' or '\t' or '\n' or '\r')
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                i++;
                continue;
            }

            inWord = true;
            i = c switch
            {
                '\'' => SingleQuoted(commandLine, i, word),
                '"' => DoubleQuoted(commandLine, i, word),
                '\\' => Escaped(commandLine, i, word),
                _ => Plain(c, i, word),
            };
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    private static int Plain(char c, int i, StringBuilder word)
    {
        word.Append(c);
        return i + 1;
    }

    private static int SingleQuoted(string text, int open, StringBuilder word)
    {
        var close = text.IndexOf('\'', open + 1);
        if (close < 0)
        {
            throw new FormatException(
                $"the command line has a ' at character {open + 1} that is never closed");
        }

        word.Append(text, open + 1, close - open - 1);
        return close + 1;
    }

    private static int DoubleQuoted(string text, int open, StringBuilder word)
    {
        var i = open + 1;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '"')
            {
                return i + 1;
            }

            if (c == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$' or '`')
            {
                word.Append(text[i + 1]);
                i += 2;
                continue;
            }

            word.Append(c);
            i++;
        }

        throw new FormatException(
            $"the command line has a \" at character {open + 1} that is never closed");
    }

    private static int Escaped(string text, int backslash, StringBuilder word)
    {
        if (backslash + 1 >= text.Length)
        {
            throw new FormatException("the command line ends with a lone backslash");
        }

        // A backslash before a line break joins the lines, as in a shell.
        if (text[backslash + 1] != '\n')
        {
            word.Append(text[backslash + 1]);
        }

        return backslash + 2;
    }
}
