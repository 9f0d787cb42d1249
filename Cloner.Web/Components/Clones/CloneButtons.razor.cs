using Cloner.Domain.Clones;
using Cloner.Domain.Processes;
using Cloner.Domain.Provisioning;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Cloner.Web.Components.Clones;

/// <summary>
/// Starts or stops every component of a clone, one after the other, and says in one snackbar
/// how many it did and which failed. The list learns the new states from the feed.
/// </summary>
public sealed partial class CloneButtons
{
    private string? _running;

    [Inject]
    public required CloneService Clones { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ILogger<CloneButtons> Logger { get; init; }

    [Parameter, EditorRequired]
    public required CloneView Clone { get; set; }

    [Parameter]
    public bool Large { get; set; }

    /// <summary>Told when a start all or stop all begins (true) and ends (false).</summary>
    [Parameter]
    public EventCallback<bool> Busy { get; set; }

    private Task StartAllAsync() =>
        RunAsync("start", Clone.Components.Where(c => Display.CanStart(c.Record)),
            (name, component) => Clones.StartComponentAsync(name, component, default));

    private async Task StopAllAsync()
    {
        var name = Clone.Record.Name;
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            $"Stop all of {name}",
            $"Stop every component of {name}? " +
                "Its users lose the service until it is started again.",
            yesText: "Stop all",
            cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        await RunAsync("stop", Clone.Components.Where(c => Display.CanStop(c.Record)),
            (clone, component) => Clones.StopComponentAsync(clone, component, default));
    }

    private async Task RunAsync(
        string verb,
        IEnumerable<ComponentView> components,
        Func<string, string, Task<ComponentRecord>> command)
    {
        var name = Clone.Record.Name;
        var targets = components.Select(c => c.Name).ToList();
        _running = verb;
        await Busy.InvokeAsync(true);
        var failed = new List<string>();
        try
        {
            foreach (var component in targets)
            {
                try
                {
                    await command(name, component);
                }
                catch (Exception ex)
                {
                    Logger.LogWarning(ex, "Could not {Command} {Component} of {Clone}",
                        verb, component, name);
                    failed.Add($"{component} ({StepRun.FailureText(ex)})");
                }
            }
        }
        finally
        {
            _running = null;
            await Busy.InvokeAsync(false);
        }

        var done = targets.Count - failed.Count;
        if (failed.Count == 0)
        {
            Snackbar.Add($"{name}: {verb} of {Count(done)} done", Severity.Success);
        }
        else
        {
            Snackbar.Add(
                $"{name}: {verb} of {Count(done)} done; could not {verb} " +
                string.Join(", ", failed),
                Severity.Error);
        }
    }

    private static string Count(int components) =>
        components == 1 ? "1 component" : $"{components} components";
}
