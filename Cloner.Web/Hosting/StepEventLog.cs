using Cloner.Domain.Live;
using Cloner.Domain.Provisioning;

namespace Cloner.Web.Hosting;

/// <summary>
/// Writes one structured log event for every step of every create and delete, as the steps
/// report on the clone feed. Step messages are written for operators and hold no secrets.
/// </summary>
public sealed class StepEventLog(CloneFeed feed, ILogger<StepEventLog> logger) : IHostedService
{
    private CloneFeedSubscription? _subscription;
    private Task _reading = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = feed.Subscribe();
        _reading = ReadAsync(_subscription);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        await _reading.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ReadAsync(CloneFeedSubscription subscription)
    {
        long dropped = 0;
        await foreach (var change in subscription.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (subscription.Dropped != dropped)
            {
                logger.LogWarning("The step log fell behind and missed {Count} clone changes",
                    subscription.Dropped - dropped);
                dropped = subscription.Dropped;
            }

            if (change is StepReported { Event: var e })
            {
                logger.Log(LevelOf(e.Kind),
                    "Clone {Clone} {Operation} step {Step} {Kind}: {Message}",
                    e.CloneName, e.Operation, e.Step, e.Kind, e.Message);
            }
        }
    }

    private static LogLevel LevelOf(StepEventKind kind) => kind switch
    {
        StepEventKind.Failed => LogLevel.Warning,
        StepEventKind.UndoFailed => LogLevel.Error,
        _ => LogLevel.Information,
    };
}
