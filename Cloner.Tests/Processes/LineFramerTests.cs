using System.IO.Pipelines;
using System.Text;
using Cloner.Infrastructure.Processes;

namespace Cloner.Tests.Processes;

public sealed class LineFramerTests
{
    [Fact]
    public void Push_PartialLine_WaitsUntilFlushedOrEnded()
    {
        var framer = new LineFramer();

        framer.Push("first\nsecond half"u8);
        Assert.Equal(["first"], framer.TakeLines());

        framer.Flush();
        Assert.Equal(["second half"], framer.TakeLines());

        framer.Push("\nthird\n"u8);
        Assert.Equal(["third"], framer.TakeLines());
    }

    [Fact]
    public async Task PumpAsync_QuietStreamWithPartialLine_HandsItOnAfterIdle()
    {
        var pipe = new Pipe();
        var seen = new List<string>();
        var pump = LineFramer.PumpAsync(pipe.Reader.AsStream(), TimeProvider.System, lines =>
        {
            lock (seen)
            {
                seen.AddRange(lines);
            }

            return ValueTask.CompletedTask;
        }, CancellationToken.None);

        await pipe.Writer.WriteAsync("Password: "u8.ToArray());
        var flushed = await SupervisorHarness.EventuallyAsync(
            () => { lock (seen) { return seen.Count == 1; } }, SupervisorHarness.Patience);

        await pipe.Writer.WriteAsync("ok\nend"u8.ToArray());
        await pipe.Writer.CompleteAsync();
        await pump;
        Assert.True(flushed, "the partial line was not handed on while the stream stayed open");
        Assert.Equal(["Password: ", "ok", "end"], seen);
    }

    [Fact]
    public void Push_OneMegabyteLine_CutWithMarkerAndRestSkipped()
    {
        var framer = new LineFramer();
        var huge = Enumerable.Repeat((byte)'a', 1024 * 1024).ToArray();

        framer.Push(huge.AsSpan(0, 300_000));
        framer.Push(huge.AsSpan(300_000));
        framer.Push("\nnext\n"u8);

        var lines = framer.TakeLines();
        Assert.Equal(2, lines.Count);
        Assert.EndsWith(LineFramer.CutMarker, lines[0], StringComparison.Ordinal);
        Assert.Equal(LineFramer.MaxLineBytes + LineFramer.CutMarker.Length, lines[0].Length);
        Assert.Equal("next", lines[1]);
    }

    [Fact]
    public void Push_CutInsideMultibyteCharacter_KeepsWholeCharacters()
    {
        var framer = new LineFramer();
        var text = "x" + string.Concat(Enumerable.Repeat("é", LineFramer.MaxLineBytes));

        framer.Push(Encoding.UTF8.GetBytes(text + "\n"));

        var line = Assert.Single(framer.TakeLines());
        Assert.DoesNotContain('\uFFFD', line);
        Assert.EndsWith(LineFramer.CutMarker, line, StringComparison.Ordinal);
    }

    [Fact]
    public void Push_InvalidUtf8_ReplacedWithReplacementCharacter()
    {
        var framer = new LineFramer();

        framer.Push([(byte)'o', (byte)'k', 0xFF, 0xC3, (byte)'!', (byte)'\n']);

        Assert.Equal(["ok\uFFFD\uFFFD!"], framer.TakeLines());
    }

    [Fact]
    public void Push_MultibyteCharacterSplitAcrossReads_DecodedWhole()
    {
        var framer = new LineFramer();
        var bytes = Encoding.UTF8.GetBytes("добрый день\n");

        framer.Push(bytes.AsSpan(0, 3));
        framer.Flush();
        framer.Push(bytes.AsSpan(3));

        Assert.Equal("добрый день", string.Concat(framer.TakeLines()));
    }

    [Fact]
    public void Push_CrLf_LineEndsWithoutCarriageReturn()
    {
        var framer = new LineFramer();

        framer.Push("one\r\ntwo\r"u8);
        framer.Push("\nthree\n"u8);

        Assert.Equal(["one", "two", "three"], framer.TakeLines());
    }

    [Fact]
    public void Flush_CrThenLfAfterIdle_NoEmptyLine()
    {
        var framer = new LineFramer();

        framer.Push("ready\r"u8);
        framer.Flush();
        framer.Push("\nnext\n"u8);

        Assert.Equal(["ready", "next"], framer.TakeLines());
    }

    [Fact]
    public void Complete_PendingBytes_BecomeLastLine()
    {
        var framer = new LineFramer();

        framer.Push("a\n\nno newline"u8);
        framer.Complete();

        Assert.Equal(["a", "", "no newline"], framer.TakeLines());
    }
}
