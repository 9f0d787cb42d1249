using System.Globalization;
using Cloner.Domain.Clones;
using Cloner.Domain.Processes;
using Cloner.Domain.Provisioning;
using Cloner.Infrastructure.Processes;
using MudBlazor;

namespace Cloner.Web.Components.Clones;

/// <summary>How clone and component values read on the dashboard.</summary>
public static class Display
{
    /// <summary>
    /// Whether the component has a process whose CPU and memory mean something now; a stopped
    /// or failed component's last sample is stale and is not shown.
    /// </summary>
    public static bool HasProcess(ComponentRecord record) =>
        record.State is ComponentState.Running or ComponentState.Starting
            or ComponentState.Stopping;

    /// <summary>Start and stop make sense on a Ready clone, not while made or removed.</summary>
    public static bool TakesCommands(Clone clone) => clone.Status == CloneStatus.Ready;

    /// <summary>A Ready clone may be deleted, and so may a Failed one, to clean up.</summary>
    public static bool CanDelete(Clone clone) =>
        clone.Status is CloneStatus.Ready or CloneStatus.Failed;

    public static string Cpu(ResourceSample? sample) =>
        sample is null ? "-" : sample.CpuPercent.ToString("0.0", CultureInfo.InvariantCulture) + " %";

    public static string Memory(ResourceSample? sample) =>
        sample is null ? "-" : Bytes(sample.MemoryBytes);

    public static string Bytes(long bytes)
    {
        var mib = bytes / 1024.0 / 1024.0;
        return mib >= 1024
            ? (mib / 1024).ToString("0.00", CultureInfo.InvariantCulture) + " GiB"
            : mib.ToString("0.0", CultureInfo.InvariantCulture) + " MiB";
    }

    /// <summary>The server's totals in one line, for the head of the clone list.</summary>
    public static string Host(HostSample host) =>
        $"Host: CPU {host.CpuPercent.ToString("0.0", CultureInfo.InvariantCulture)} %, " +
        $"memory {Bytes(host.MemoryTotalBytes - host.MemoryAvailableBytes)} of " +
        $"{Bytes(host.MemoryTotalBytes)} used, clones' disk {Bytes(host.DiskFreeBytes)} free " +
        $"of {Bytes(host.DiskTotalBytes)}";

    /// <summary>How long the current run has been up, or "-" when nothing runs.</summary>
    public static string Uptime(ComponentRecord record, DateTimeOffset now)
    {
        if (record.State is not (ComponentState.Running or ComponentState.Starting
                or ComponentState.Stopping)
            || record.StartedAt is not { } started)
        {
            return "-";
        }

        var up = now - started;
        if (up < TimeSpan.Zero)
        {
            up = TimeSpan.Zero;
        }

        return up.TotalDays >= 1 ? $"{(int)up.TotalDays}d {up.Hours}h"
            : up.TotalHours >= 1 ? $"{(int)up.TotalHours}h {up.Minutes}m"
            : up.TotalMinutes >= 1 ? $"{(int)up.TotalMinutes}m {up.Seconds}s"
            : $"{(int)up.TotalSeconds}s";
    }

    /// <summary>
    /// Why a component keeps failing (Backoff, Fatal, a failed exit, restarts with a message,
    /// or its log relays ended while it runs): its exit code and message, shown under it so
    /// nobody has to open its log. Null when it is fine.
    /// </summary>
    public static string? Problem(ComponentRecord record)
    {
        var failing = record.State is ComponentState.Backoff or ComponentState.Fatal
            || (record.State == ComponentState.Exited && record.ExitCode is not (null or 0))
            || (record.Restarts > 0 && record.Message is not null)
            || ProcessSupervisor.IsRelayEndedMessage(record.Message);
        if (!failing)
        {
            return null;
        }

        var exit = record.ExitCode is { } code
            ? "exit code " + code.ToString(CultureInfo.InvariantCulture)
            : null;
        var parts = new[] { exit, record.Message }.Where(p => !string.IsNullOrWhiteSpace(p));
        var text = string.Join(": ", parts);
        return text.Length == 0 ? $"{record.State}, no reason was given" : text;
    }

    public static string Pid(ComponentRecord record) =>
        record.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-";

    public static string ExitCode(ComponentRecord record) =>
        record.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-";

    public static string Ports(Clone clone) =>
        clone.Ports.Count == 0
            ? "-"
            : string.Join(", ", clone.Ports.Select(p =>
                $"{p.Key} {p.Value.ToString(CultureInfo.InvariantCulture)}"));

    public static string Duration(long? milliseconds) =>
        milliseconds is { } ms
            ? ms.ToString(CultureInfo.InvariantCulture) + " ms"
            : "";

    public static string Time(DateTimeOffset at) =>
        at.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>The milliseconds after <see cref="Time"/>, as ".fff"; hidden on a phone.</summary>
    public static string Milliseconds(DateTimeOffset at) =>
        at.ToLocalTime().ToString(".fff", CultureInfo.InvariantCulture);

    public static string StateText(ComponentRecord record) =>
        record.State == ComponentState.Exited && record.ExitCode is { } code
            ? $"Exited ({code.ToString(CultureInfo.InvariantCulture)})"
            : record.State.ToString();

    public static Color StateColor(ComponentRecord record) => record.State switch
    {
        ComponentState.Running => Color.Success,
        ComponentState.Starting or ComponentState.Stopping => Color.Info,
        ComponentState.Backoff => Color.Warning,
        ComponentState.Fatal => Color.Error,
        ComponentState.Exited => record.ExitCode == 0 ? Color.Default : Color.Error,
        _ => Color.Default,
    };

    public static Color StatusColor(CloneStatus status) => status switch
    {
        CloneStatus.Ready => Color.Success,
        CloneStatus.Creating or CloneStatus.Deleting => Color.Info,
        CloneStatus.Failed => Color.Error,
        _ => Color.Default,
    };

    public static Color StepColor(StepEventKind kind) => kind switch
    {
        StepEventKind.Succeeded => Color.Success,
        StepEventKind.Failed or StepEventKind.UndoFailed => Color.Error,
        StepEventKind.Skipped => Color.Warning,
        StepEventKind.Undone => Color.Secondary,
        StepEventKind.Started => Color.Info,
        _ => Color.Default,
    };

    public static string StepKindText(StepEventKind kind) => kind switch
    {
        StepEventKind.UndoFailed => "undo failed",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Whether starting makes sense now; a Backoff or Fatal component may always be started.</summary>
    public static bool CanStart(ComponentRecord record) =>
        record.State is not (ComponentState.Running or ComponentState.Starting);

    /// <summary>Whether stopping makes sense now; a Backoff or Fatal component may always be stopped.</summary>
    public static bool CanStop(ComponentRecord record) =>
        record.State is not (ComponentState.Stopped or ComponentState.Exited);
}
