using Cloner.Web.Components.Logs;

namespace Cloner.Tests.Web.Components.Logs;

public sealed class AnsiTextTests
{
    [Fact]
    public void Parse_NoEscape_IsOnePlainSpan()
    {
        var span = Assert.Single(AnsiText.Parse("plain <b>text</b>"));

        Assert.Equal("plain <b>text</b>", span.Text);
        Assert.Null(span.Style.CssClass);
    }

    [Fact]
    public void Parse_ColourThenReset_SplitsIntoStyledAndPlainSpans()
    {
        var spans = AnsiText.Parse("a\u001b[31mred\u001b[0m b");

        Assert.Equal(
            [
                new AnsiSpan("a", AnsiStyle.Plain),
                new AnsiSpan("red", new AnsiStyle(1, false)),
                new AnsiSpan(" b", AnsiStyle.Plain),
            ],
            spans);
        Assert.Equal("ansi-fg-1", spans[1].Style.CssClass);
    }

    [Fact]
    public void Parse_BoldAndBrightInOneSequence_CombinesThem()
    {
        var span = Assert.Single(AnsiText.Parse("\u001b[1;94mnote"));

        Assert.Equal(new AnsiStyle(12, true), span.Style);
        Assert.Equal("ansi-fg-12 ansi-bold", span.Style.CssClass);
    }

    [Theory]
    [InlineData("\u001b[30m", 0)]
    [InlineData("\u001b[37m", 7)]
    [InlineData("\u001b[90m", 8)]
    [InlineData("\u001b[97m", 15)]
    public void Parse_ForegroundCode_MapsToColourIndex(string sequence, int colour)
    {
        var span = Assert.Single(AnsiText.Parse(sequence + "x"));

        Assert.Equal(colour, span.Style.Foreground);
    }

    [Fact]
    public void Parse_EmptySgrAndCode22And39_ResetWhatTheySay()
    {
        var spans = AnsiText.Parse("\u001b[1;32ma\u001b[22mb\u001b[39mc\u001b[1md\u001b[me");

        Assert.Equal(
            [
                new AnsiStyle(2, true),
                new AnsiStyle(2, false),
                AnsiStyle.Plain,
                new AnsiStyle(null, true),
                AnsiStyle.Plain,
            ],
            spans.Select(s => s.Style));
        Assert.Equal("abcde", string.Concat(spans.Select(s => s.Text)));
    }

    [Fact]
    public void Parse_OtherSequences_AreDroppedNotShown()
    {
        var spans = AnsiText.Parse("\u001b[2Kclear\u001b[?25l \u001b(Bx\u001b[38;5;196mext\u001b");

        Assert.Equal("clear xext", string.Concat(spans.Select(s => s.Text)));
        Assert.DoesNotContain(spans, s => s.Text.Contains('\u001b'));
        Assert.All(spans, s => Assert.Null(s.Style.Foreground));
    }

    [Fact]
    public void Parse_UnfinishedSequenceAtEnd_IsDropped()
    {
        var span = Assert.Single(AnsiText.Parse("done\u001b[31"));

        Assert.Equal("done", span.Text);
    }
}
