using Cloner.Domain.Processes;
using Cloner.Infrastructure.Processes;

namespace Cloner.Web.Components.Logs;

/// <summary>A log line as the log view shows it: its component, its styled spans, and
/// whether the supervisor cut it at its 64 KiB limit.</summary>
public sealed class ShownLine
{
    private IReadOnlyList<AnsiSpan>? _spans;
    private string? _plain;

    public ShownLine(string component, LogLine line)
    {
        Component = component;
        Line = line;
        IsCut = line.Text.EndsWith(LineFramer.CutMarker, StringComparison.Ordinal);
        Text = IsCut ? line.Text[..^LineFramer.CutMarker.Length] : line.Text;
    }

    public string Component { get; }

    public LogLine Line { get; }

    public bool IsCut { get; }

    /// <summary>The line's text without the cut marker, escape sequences still in.</summary>
    public string Text { get; }

    public IReadOnlyList<AnsiSpan> Spans => _spans ??= AnsiText.Parse(Text);

    /// <summary>The text as read on screen, which is what the filter box searches.</summary>
    public string Plain => _plain ??= string.Concat(Spans.Select(s => s.Text));
}
