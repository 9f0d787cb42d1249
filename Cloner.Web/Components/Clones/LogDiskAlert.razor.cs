using Cloner.Infrastructure.Processes;
using Microsoft.AspNetCore.Components;

namespace Cloner.Web.Components.Clones;

/// <summary>
/// A warning while the logs disk is full, at the head of the clone list and a clone's page.
/// It looks at the monitor's judgement every <see cref="ResourceMonitor.WatchedInterval"/> and
/// renders only when the warning comes or goes, since a full disk changes no clone.
/// </summary>
public sealed partial class LogDiskAlert
{
    private readonly CancellationTokenSource _stop = new();
    private string? _message;
    private Task? _watch;

    /// <summary>Looked up rather than required: with no monitor there is nothing to say.</summary>
    [Inject]
    public required IServiceProvider Services { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_watch is not null)
        {
            await _watch;
        }

        _stop.Dispose();
    }

    protected override void OnInitialized()
    {
        _message = Current();
        _watch = WatchAsync();
    }

    private string? Current() => Services.GetService<ResourceMonitor>()?.LogDisk?.HostMessage;

    private async Task WatchAsync()
    {
        using var timer = new PeriodicTimer(ResourceMonitor.WatchedInterval, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var message = Current();
                if (message != _message)
                {
                    _message = message;
                    await InvokeAsync(StateHasChanged);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
