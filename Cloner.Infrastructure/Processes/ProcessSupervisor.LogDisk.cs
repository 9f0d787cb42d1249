using Cloner.Domain.Processes;
using Microsoft.Extensions.Logging;

namespace Cloner.Infrastructure.Processes;

/// <summary>
/// The logs disk's message on every running component, set and cleared by the monitor.
/// </summary>
public sealed partial class ProcessSupervisor
{
    /// <summary>The folder under which every component's log relays write.</summary>
    internal string LogsDir => _options.LogsDir;

    /// <summary>
    /// Puts <paramref name="message"/> on every Starting or Running component that carries no
    /// other message, or clears the logs disk's message when it is null. A component whose
    /// gate is held (a start or stop in progress) is skipped this round, so that the monitor
    /// never waits behind a stop timeout; the next round gets it.
    /// </summary>
    internal async Task MarkLogDiskAsync(string? message)
    {
        foreach (var entry in _components.Values)
        {
            if (!NeedsLogDiskMark(entry, message) || !await entry.Gate.WaitAsync(TimeSpan.Zero))
            {
                continue;
            }

            try
            {
                if (!NeedsLogDiskMark(entry, message))
                {
                    continue;
                }

                if (message is not null && IsUp(entry))
                {
                    _logger.LogWarning("{Clone}/{Component} may block: {Message}",
                        entry.Clone, entry.Component, message);
                }

                await SaveAsync(entry, entry.Record with
                {
                    Message = message is not null && IsUp(entry) ? message : null,
                });
            }
            finally
            {
                entry.Gate.Release();
            }
        }
    }

    /// <summary>
    /// A running component without a message gets the logs disk's; a message of the logs
    /// disk goes once the disk has room or the component no longer runs. Other messages stay.
    /// </summary>
    private static bool NeedsLogDiskMark(SupervisedComponent entry, string? message)
    {
        var current = entry.Record.Message;
        return LogDisk.IsLogDiskMessage(current)
            ? message is null || !IsUp(entry)
            : message is not null && current is null && IsUp(entry);
    }

    private static bool IsUp(SupervisedComponent entry) =>
        entry.Run is not null
        && entry.Record.State is ComponentState.Starting or ComponentState.Running;
}
