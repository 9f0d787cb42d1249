using System.Globalization;
using System.Text;

namespace Cloner.Web.Components.Logs;

/// <summary>The look of a run of log text: one of the 16 ANSI colours, and bold.</summary>
public readonly record struct AnsiStyle(int? Foreground, bool Bold)
{
    public static AnsiStyle Plain { get; } = new(null, false);

    /// <summary>The CSS classes of the style (<c>ansi-fg-0</c> to <c>ansi-fg-15</c>,
    /// <c>ansi-bold</c>), or null for plain text.</summary>
    public string? CssClass => (Foreground, Bold) switch
    {
        (null, false) => null,
        (null, true) => "ansi-bold",
        ({ } fg, false) => "ansi-fg-" + fg.ToString(CultureInfo.InvariantCulture),
        ({ } fg, true) => "ansi-fg-" + fg.ToString(CultureInfo.InvariantCulture) + " ansi-bold",
    };
}

/// <summary>A run of log text in one style; the text is raw, encoded when rendered.</summary>
public readonly record struct AnsiSpan(string Text, AnsiStyle Style);

/// <summary>
/// Splits a log line at its ANSI escape sequences into styled spans. SGR 0 (reset), 1 (bold),
/// 22 (not bold), 30-37 and 90-97 (colours) and 39 (default colour) are understood; every
/// other escape sequence is dropped so that it never shows as garbage.
/// </summary>
public static class AnsiText
{
    private const char Escape = '\u001b';

    public static IReadOnlyList<AnsiSpan> Parse(string line)
    {
        if (line.IndexOf(Escape) < 0)
        {
            return line.Length == 0 ? [] : [new AnsiSpan(line, AnsiStyle.Plain)];
        }

        var spans = new List<AnsiSpan>();
        var text = new StringBuilder();
        var style = AnsiStyle.Plain;
        var i = 0;
        while (i < line.Length)
        {
            if (line[i] != Escape)
            {
                text.Append(line[i]);
                i++;
                continue;
            }

            var (next, newStyle) = ReadEscape(line, i, style);
            if (newStyle != style)
            {
                Flush(spans, text, style);
                style = newStyle;
            }

            i = next;
        }

        Flush(spans, text, style);
        return spans;
    }

    private static void Flush(List<AnsiSpan> spans, StringBuilder text, AnsiStyle style)
    {
        if (text.Length > 0)
        {
            spans.Add(new AnsiSpan(text.ToString(), style));
            text.Clear();
        }
    }

    /// <summary>Reads the sequence that starts at <paramref name="start"/>; returns where the
    /// text goes on and the style after it.</summary>
    private static (int Next, AnsiStyle Style) ReadEscape(string line, int start, AnsiStyle style)
    {
        var i = start + 1;
        if (i >= line.Length || line[i] != '[')
        {
            // A lone ESC, or ESC with intermediate bytes and a final one (ESC ( B): drop it.
            while (i < line.Length && line[i] is >= ' ' and <= '/')
            {
                i++;
            }

            return (Math.Min(line.Length, i + 1), style);
        }

        i++;
        var parameters = i;
        while (i < line.Length && line[i] is >= '0' and <= '?')
        {
            i++;
        }

        while (i < line.Length && line[i] is >= ' ' and <= '/')
        {
            i++;
        }

        if (i >= line.Length)
        {
            return (line.Length, style);
        }

        var final = line[i];
        return final == 'm'
            ? (i + 1, ApplySgr(line[parameters..i], style))
            : (i + 1, style);
    }

    private static AnsiStyle ApplySgr(string parameters, AnsiStyle style)
    {
        if (parameters.Length == 0)
        {
            return AnsiStyle.Plain;
        }

        foreach (var part in parameters.Split(';', ':'))
        {
            if (!int.TryParse(part.Length == 0 ? "0" : part, NumberStyles.None,
                    CultureInfo.InvariantCulture, out var code))
            {
                continue;
            }

            if (code is 38 or 48)
            {
                // An extended colour (38;5;n or 38;2;r;g;b): its numbers are not codes.
                break;
            }

            style = code switch
            {
                0 => AnsiStyle.Plain,
                1 => style with { Bold = true },
                22 => style with { Bold = false },
                >= 30 and <= 37 => style with { Foreground = code - 30 },
                39 => style with { Foreground = null },
                >= 90 and <= 97 => style with { Foreground = code - 90 + 8 },
                _ => style,
            };
        }

        return style;
    }
}
