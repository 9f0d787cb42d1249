using System.Threading.Channels;
using Cloner.Domain.Clones;
using Cloner.Domain.Processes;
using Cloner.Domain.Provisioning;

namespace Cloner.Domain.Live;

/// <summary>Something that changed about a clone, as told to the pages that watch.</summary>
public abstract record CloneChange(string CloneName);

public sealed record StepReported(StepEvent Event) : CloneChange(Event.CloneName);

public sealed record ComponentChanged(ComponentRecord Record) : CloneChange(Record.CloneName);

/// <summary>The clone's record changed; <see cref="Current"/> is null once it is deleted.</summary>
public sealed record CloneUpdated(string Name, Clone? Current) : CloneChange(Name);

public sealed record LogLinesWritten(string Name, string Component, IReadOnlyList<LogLine> Lines)
    : CloneChange(Name);

public sealed record SampleTaken(string Name, string Component, ResourceSample Sample)
    : CloneChange(Name);

/// <summary>
/// Hands every subscriber the changes to clones on a bounded channel of its own. A reader
/// that falls behind loses its oldest changes, never slows the publisher or other readers,
/// and learns of the loss through <see cref="CloneFeedSubscription.Dropped"/>.
/// </summary>
public sealed class CloneFeed
{
    public const int DefaultCapacity = 4096;

    private readonly Lock _gate = new();
    private ImmutableSubscribers _subscribers = ImmutableSubscribers.Empty;

    public void Publish(CloneChange change)
    {
        foreach (var subscription in _subscribers.Items)
        {
            subscription.Offer(change);
        }
    }

    public CloneFeedSubscription Subscribe(int capacity = DefaultCapacity)
    {
        var subscription = new CloneFeedSubscription(capacity, Remove);
        lock (_gate)
        {
            _subscribers = _subscribers.Add(subscription);
        }

        return subscription;
    }

    public int SubscriberCount => _subscribers.Items.Length;

    private void Remove(CloneFeedSubscription subscription)
    {
        lock (_gate)
        {
            _subscribers = _subscribers.Remove(subscription);
        }
    }

    private sealed record ImmutableSubscribers(CloneFeedSubscription[] Items)
    {
        public static ImmutableSubscribers Empty { get; } = new([]);

        public ImmutableSubscribers Add(CloneFeedSubscription s) => new([.. Items, s]);

        public ImmutableSubscribers Remove(CloneFeedSubscription s) =>
            new(Items.Where(i => !ReferenceEquals(i, s)).ToArray());
    }
}

public sealed class CloneFeedSubscription : IDisposable
{
    private readonly Channel<CloneChange> _channel;
    private readonly Action<CloneFeedSubscription> _onDispose;
    private long _dropped;

    internal CloneFeedSubscription(int capacity, Action<CloneFeedSubscription> onDispose)
    {
        _channel = Channel.CreateBounded<CloneChange>(
            new BoundedChannelOptions(capacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
            },
            _ => Interlocked.Increment(ref _dropped));
        _onDispose = onDispose;
    }

    public ChannelReader<CloneChange> Reader => _channel.Reader;

    /// <summary>How many changes were dropped because this reader fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    internal void Offer(CloneChange change) => _channel.Writer.TryWrite(change);

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _onDispose(this);
    }
}
