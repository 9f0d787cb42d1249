using System.Threading.Channels;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;
using Microsoft.Extensions.Logging;

namespace Cloner.Infrastructure.Processes;

/// <summary>
/// Where one component's lines go: numbered, written to its rotating file, kept in its ring
/// and published on the feed in batches. Lines wait on a bounded queue of
/// <see cref="QueueLines"/>; when the writer falls behind, the component's pipe readers wait,
/// and so the component waits on its writes, so no line is lost.
/// </summary>
internal sealed class ComponentLog : IAsyncDisposable
{
    public const int QueueLines = 10_000;

    private const int BatchLines = 2_000;

    private readonly string _clone;
    private readonly string _component;
    private readonly CloneFeed _feed;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RotatingLogFile _file;
    private readonly Channel<(DateTimeOffset At, bool IsError, string Text)> _queue;
    private readonly Task _writer;
    private long _number;

    public ComponentLog(
        string clone,
        string component,
        string path,
        int ringLines,
        CloneFeed feed,
        TimeProvider time,
        ILogger logger)
    {
        _clone = clone;
        _component = component;
        _feed = feed;
        _time = time;
        _logger = logger;
        _file = new RotatingLogFile(path);
        Ring = new LogRing(ringLines);
        _queue = Channel.CreateBounded<(DateTimeOffset, bool, string)>(
            new BoundedChannelOptions(QueueLines)
            {
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
            });
        _writer = Task.Run(WriteLoopAsync);
    }

    public LogRing Ring { get; }

    public string Path => _file.Path;

    public async ValueTask AppendAsync(bool isError, IReadOnlyList<string> lines)
    {
        var at = _time.GetUtcNow();
        foreach (var text in lines)
        {
            await _queue.Writer.WriteAsync((at, isError, text));
        }
    }

    /// <summary>
    /// A line from Cloner itself about the component (started, exited, stopped).
    /// </summary>
    public void Note(string text) =>
        _queue.Writer.TryWrite((_time.GetUtcNow(), false, "[cloner] " + text));

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
        _file.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<LogLine>(BatchLines);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < BatchLines && _queue.Reader.TryRead(out var item))
            {
                batch.Add(new LogLine(++_number, item.At, item.IsError, item.Text));
            }

            try
            {
                _file.Write(batch);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.LogError(ex, "Could not write the log of {Clone}/{Component} to {Path}",
                    _clone, _component, _file.Path);
            }

            Ring.Add(batch);
            _feed.Publish(new LogLinesWritten(_clone, _component, batch.ToArray()));
            batch.Clear();
        }
    }
}
