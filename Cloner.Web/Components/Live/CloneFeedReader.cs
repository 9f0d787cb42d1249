using Cloner.Domain.Live;

namespace Cloner.Web.Components.Live;

/// <summary>
/// One page's subscription to the clone feed, read in a loop of its own. The page gets the
/// changes it asked for in batches, at most one batch per interval, so a burst of changes
/// costs one re-read and one render. The subscription is made when the reader is started,
/// so nothing published after <see cref="Start"/> returns is missed.
/// </summary>
public sealed class CloneFeedReader : IAsyncDisposable
{
    /// <summary>The most changes handed over in one batch; the rest wait for the next one.</summary>
    public const int MaxBatch = 1024;

    private readonly CloneFeedSubscription _subscription;
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<CloneChange, bool> _wanted;
    private readonly Func<IReadOnlyList<CloneChange>, CancellationToken, Task> _onBatch;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly Task _loop;

    private CloneFeedReader(
        CloneFeed feed,
        Func<CloneChange, bool> wanted,
        Func<IReadOnlyList<CloneChange>, CancellationToken, Task> onBatch,
        TimeSpan interval,
        ILogger logger)
    {
        _subscription = feed.Subscribe();
        _wanted = wanted;
        _onBatch = onBatch;
        _interval = interval;
        _logger = logger;
        _loop = Task.Run(ReadAsync);
    }

    /// <summary>How many changes the feed dropped because this reader fell behind.</summary>
    public long Dropped => _subscription.Dropped;

    /// <summary>
    /// Subscribes and starts reading. <paramref name="onBatch"/> runs off the renderer's
    /// thread: a component hands its state changes to <c>InvokeAsync</c>.
    /// </summary>
    public static CloneFeedReader Start(
        CloneFeed feed,
        Func<CloneChange, bool> wanted,
        Func<IReadOnlyList<CloneChange>, CancellationToken, Task> onBatch,
        TimeSpan interval,
        ILogger logger) =>
        new(feed, wanted, onBatch, interval, logger);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _subscription.Dispose();
        await _loop;
        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        var token = _stop.Token;
        var reader = _subscription.Reader;
        try
        {
            while (await reader.WaitToReadAsync(token))
            {
                var batch = new List<CloneChange>();
                while (batch.Count < MaxBatch && reader.TryRead(out var change))
                {
                    if (_wanted(change))
                    {
                        batch.Add(change);
                    }
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                await HandAsync(batch, token);
                await Task.Delay(_interval, token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Disposed: the page is gone.
        }
    }

    private async Task HandAsync(List<CloneChange> batch, CancellationToken token)
    {
        try
        {
            await _onBatch(batch, token);
        }
        catch (Exception ex) when (!token.IsCancellationRequested)
        {
            // One failed re-read must not end the live view; the next change tries again.
            _logger.LogWarning(ex,
                "A live view failed to apply {Count} changes to clones; it keeps reading",
                batch.Count);
        }
    }
}
