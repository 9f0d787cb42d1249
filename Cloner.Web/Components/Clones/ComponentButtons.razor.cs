using Cloner.Domain.Clones;
using Cloner.Domain.Processes;
using Cloner.Domain.Provisioning;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Cloner.Web.Components.Clones;

/// <summary>
/// Runs a start, stop or restart of one component through the clone service and tells the
/// operator the result in a snackbar. The page learns the new state from the feed, and from
/// <see cref="Changed"/> at once.
/// </summary>
public sealed partial class ComponentButtons
{
    private Command? _running;

    private enum Command
    {
        Start,
        Stop,
        Restart,
    }

    [Inject]
    public required CloneService Clones { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required ILogger<ComponentButtons> Logger { get; init; }

    [Parameter, EditorRequired]
    public required string Clone { get; set; }

    [Parameter, EditorRequired]
    public required ComponentView Component { get; set; }

    /// <summary>Large, full-width buttons for the phone layout.</summary>
    [Parameter]
    public bool Large { get; set; }

    [Parameter]
    public bool ShowRestart { get; set; }

    /// <summary>Disables every button, as while a start all or stop all of the clone runs.</summary>
    [Parameter]
    public bool Disabled { get; set; }

    [Parameter]
    public EventCallback<ComponentRecord> Changed { get; set; }

    private Task StartAsync() => RunAsync(Command.Start, "start");

    private Task StopAsync() => RunAsync(Command.Stop, "stop");

    private Task RestartAsync() => RunAsync(Command.Restart, "restart");

    private async Task RunAsync(Command command, string verb)
    {
        _running = command;
        var component = Component.Name;
        try
        {
            var record = command switch
            {
                Command.Start => await Clones.StartComponentAsync(Clone, component, default),
                Command.Stop => await Clones.StopComponentAsync(Clone, component, default),
                _ => await Clones.RestartComponentAsync(Clone, component, default),
            };
            Snackbar.Add(
                $"{Clone}/{component}: {Display.StateText(record)}" + PidText(record),
                record.State is ComponentState.Fatal or ComponentState.Backoff
                    ? Severity.Warning
                    : Severity.Success);
            await Changed.InvokeAsync(record);
        }
        catch (Exception ex)
        {
            Logger.LogWarning(ex, "Could not {Command} {Component} of {Clone}",
                verb, component, Clone);
            Snackbar.Add(
                $"Could not {verb} {component} of {Clone}: {StepRun.FailureText(ex)}",
                Severity.Error);
        }
        finally
        {
            _running = null;
        }
    }

    private static string PidText(ComponentRecord record) =>
        record.Pid is { } pid && record.State is ComponentState.Running or ComponentState.Starting
            ? $" (pid {pid})"
            : record.Message is { } message ? $" ({message})" : "";
}
