using System.Text;

namespace Cloner.Infrastructure.Processes;

/// <summary>
/// Cuts a component's output bytes into text lines. LF ends a line and a CR before it is
/// dropped; a line longer than <see cref="MaxLineBytes"/> is cut there with
/// <see cref="CutMarker"/> and the rest of it, up to the next LF, is skipped; bytes that are
/// not UTF-8 become U+FFFD. <see cref="PumpAsync"/> feeds it from a stream and flushes a
/// partial line once the stream stayed quiet for <see cref="IdleFlush"/>.
/// </summary>
public sealed class LineFramer
{
    public const int MaxLineBytes = 64 * 1024;

    public const string CutMarker = " [line cut at 64 KiB]";

    public static TimeSpan IdleFlush { get; } = TimeSpan.FromMilliseconds(200);

    private static readonly Encoding _utf8 = new UTF8Encoding(false, false);

    private readonly byte[] _line = new byte[MaxLineBytes];
    private readonly List<string> _ready = [];
    private int _length;
    private bool _skippingRest;
    private bool _endsFlushedLine;

    public bool HasPartialLine => _length > 0;

    /// <summary>The lines framed since the last call, oldest first.</summary>
    public IReadOnlyList<string> TakeLines()
    {
        if (_ready.Count == 0)
        {
            return [];
        }

        var lines = _ready.ToArray();
        _ready.Clear();
        return lines;
    }

    public void Push(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var newline = bytes.IndexOf((byte)'\n');
            var chunk = newline < 0 ? bytes : bytes[..newline];
            Append(chunk);
            if (newline < 0)
            {
                return;
            }

            EndLine();
            bytes = bytes[(newline + 1)..];
        }
    }

    /// <summary>
    /// Hands on the partial line, keeping back a UTF-8 sequence that is not complete yet.
    /// </summary>
    public void Flush()
    {
        if (_length == 0)
        {
            return;
        }

        var keep = IncompleteTail(_line.AsSpan(0, _length));
        if (keep == _length)
        {
            return;
        }

        var text = _line.AsSpan(0, _length - keep);
        Emit(text[^1] == '\r' ? text[..^1] : text);
        _line.AsSpan(_length - keep, keep).CopyTo(_line);
        _length = keep;
        _endsFlushedLine = keep == 0;
    }

    /// <summary>
    /// Reads the stream to its end and hands each batch of lines to <paramref name="onLines"/>,
    /// flushing a partial line after a quiet spell. Awaiting onLines is the back-pressure.
    /// </summary>
    public static async Task PumpAsync(
        Stream stream,
        TimeProvider time,
        Func<IReadOnlyList<string>, ValueTask> onLines,
        CancellationToken cancellationToken)
    {
        var framer = new LineFramer();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = stream.ReadAsync(buffer, cancellationToken).AsTask();
            if (framer.HasPartialLine && !read.IsCompleted)
            {
                using var idle =
                    CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var quiet = Task.Delay(IdleFlush, time, idle.Token);
                if (await Task.WhenAny(read, quiet) == quiet)
                {
                    framer.Flush();
                    await Hand(framer, onLines);
                }

                await idle.CancelAsync();
            }

            var count = await read;
            if (count == 0)
            {
                framer.Complete();
                await Hand(framer, onLines);
                return;
            }

            framer.Push(buffer.AsSpan(0, count));
            await Hand(framer, onLines);
        }
    }

    private static async ValueTask Hand(
        LineFramer framer, Func<IReadOnlyList<string>, ValueTask> onLines)
    {
        var lines = framer.TakeLines();
        if (lines.Count > 0)
        {
            await onLines(lines);
        }
    }

    /// <summary>The stream ended: whatever is pending is a line of its own.</summary>
    public void Complete()
    {
        if (_length > 0)
        {
            var text = _line.AsSpan(0, _length);
            Emit(text[^1] == '\r' ? text[..^1] : text);
        }

        _length = 0;
        _skippingRest = false;
    }

    private void Append(ReadOnlySpan<byte> chunk)
    {
        if (chunk.IsEmpty || _skippingRest)
        {
            return;
        }

        _endsFlushedLine &= chunk is [(byte)'\r'];
        var room = MaxLineBytes - _length;
        if (chunk.Length <= room)
        {
            chunk.CopyTo(_line.AsSpan(_length));
            _length += chunk.Length;
            return;
        }

        chunk[..room].CopyTo(_line.AsSpan(_length));
        _length = MaxLineBytes;
        var kept = _length - IncompleteTail(_line.AsSpan(0, _length));
        _ready.Add(_utf8.GetString(_line, 0, kept) + CutMarker);
        _length = 0;
        _skippingRest = true;
    }

    private void EndLine()
    {
        if (_skippingRest)
        {
            _skippingRest = false;
            return;
        }

        var text = _line.AsSpan(0, _length);
        if (text.Length > 0 && text[^1] == '\r')
        {
            text = text[..^1];
        }

        // An LF right after a flushed partial line ends that line, which was handed on already.
        if (!(text.IsEmpty && _endsFlushedLine))
        {
            Emit(text);
        }

        _endsFlushedLine = false;
        _length = 0;
    }

    private void Emit(ReadOnlySpan<byte> text) => _ready.Add(_utf8.GetString(text));

    /// <summary>
    /// How many bytes at the end start a UTF-8 sequence that is not complete yet.
    /// </summary>
    private static int IncompleteTail(ReadOnlySpan<byte> bytes)
    {
        for (var back = 1; back <= Math.Min(3, bytes.Length); back++)
        {
            var b = bytes[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }

            var needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return needed > back ? back : 0;
        }

        return 0;
    }
}
