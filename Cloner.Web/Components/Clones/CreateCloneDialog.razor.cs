using Cloner.Domain.Blueprints;
using Cloner.Domain.Clones;
using Cloner.Domain.Live;
using Cloner.Domain.Provisioning;
using Cloner.Web.Components.Live;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Cloner.Web.Components.Clones;

/// <summary>
/// The create form: one field per blueprint input, checked against the blueprint's rules
/// before anything is sent, then the create steps shown live as they are reported.
/// </summary>
/// <remarks>
/// A create without a name learns its clone's name from the first step event it sees, so
/// when two operators create unnamed clones at the same instant the live steps may show the
/// other clone's run until the create returns; the outcome's own steps then replace them.
/// </remarks>
public sealed partial class CreateCloneDialog : IAsyncDisposable
{
    private static readonly TimeSpan StepInterval = TimeSpan.FromMilliseconds(100);

    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private IReadOnlyList<Blueprint> _blueprints = [];
    private IReadOnlyList<BlueprintProblem> _problems = [];
    private string _blueprintName = "";
    private string? _name;
    private Dictionary<string, string[]> _errors = [];
    private string? _error;
    private bool _creating;
    private string? _cloneName;
    private List<StepEvent> _steps = [];
    private CreateOutcome? _outcome;
    private CloneFeedReader? _watch;

    [Inject]
    public required CloneService Clones { get; init; }

    [Inject]
    public required CloneFeed Feed { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required ILogger<CreateCloneDialog> Logger { get; init; }

    [CascadingParameter]
    public IMudDialogInstance? Dialog { get; set; }

    private Blueprint Blueprint =>
        _blueprints.FirstOrDefault(b => b.Name == _blueprintName) ?? _blueprints[0];

    /// <summary>Says what an empty name does, rather than showing a name it would not be.</summary>
    private string NamePlaceholder => $"leave empty for the next free {Blueprint.ClonePrefix}<N>";

    private bool Locked => _creating || _outcome is { Succeeded: true };

    protected override void OnInitialized()
    {
        var snapshot = Clones.Blueprints();
        _blueprints = snapshot.Blueprints;
        _problems = snapshot.Problems;
        _blueprintName = _blueprints.Count > 0 ? _blueprints[0].Name : "";
    }

    public async ValueTask DisposeAsync() => await StopWatchingAsync();

    private void OnBlueprintChanged(string name)
    {
        _blueprintName = name;
        _values.Clear();
        _errors = [];
    }

    private string? ValueOf(string key) => _values.GetValueOrDefault(key);

    private void SetValue(string key, string? value)
    {
        _values[key] = value;
        _errors.Remove("inputs." + key);
    }

    private bool HasError(string field) => _errors.ContainsKey(field);

    private string? ErrorOf(string field) =>
        _errors.TryGetValue(field, out var problems) ? string.Join("; ", problems) : null;

    private static string? HelperOf(BlueprintInput input)
    {
        var parts = new List<string>();
        if (input.Secret)
        {
            parts.Add("secret: never shown again, nor written to a log");
        }

        if (input.Pattern is { } pattern)
        {
            parts.Add($"must match {pattern}");
        }

        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    private CreateCloneRequest BuildRequest()
    {
        var inputs = Blueprint.Inputs
            .Where(i => !string.IsNullOrEmpty(_values.GetValueOrDefault(i.Key)))
            .ToDictionary(i => i.Key, i => _values[i.Key]!);
        var name = string.IsNullOrWhiteSpace(_name) ? null : _name.Trim();
        return new CreateCloneRequest(Blueprint.Name, name, inputs);
    }

    private async Task SubmitAsync()
    {
        var request = BuildRequest();
        _errors = CloneRequestRules.Check(request, Blueprint);
        _error = null;
        if (_errors.Count > 0)
        {
            return;
        }

        _outcome = null;
        _steps = [];
        _cloneName = request.Name;
        _creating = true;
        await StopWatchingAsync();
        _watch = CloneFeedReader.Start(Feed, IsCreateStep, OnStepsAsync, StepInterval, Logger);
        try
        {
            // Not cancelled with the dialog: a create that has begun runs to its end or undo.
            var outcome = await Clones.CreateAsync(request, CancellationToken.None);
            ShowOutcome(outcome);
        }
        catch (CloneValidationException ex)
        {
            _errors = ex.Errors.ToDictionary(e => e.Key, e => e.Value);
        }
        catch (CloneNameTakenException ex)
        {
            _errors = new() { ["name"] = [ex.Message] };
        }
        catch (CloneRequestException ex)
        {
            _error = ex.Message;
        }
        catch (Exception ex)
        {
            Logger.LogError(ex, "Creating a clone of blueprint {Blueprint} failed", request.Blueprint);
            _error = $"Creating the clone failed ({StepRun.FailureText(ex)}); " +
                "Cloner's log has the details.";
        }
        finally
        {
            _creating = false;
            await StopWatchingAsync();
        }
    }

    private void ShowOutcome(CreateOutcome outcome)
    {
        _outcome = outcome;
        _cloneName = outcome.Name;
        _steps = [.. outcome.Steps];
        if (outcome.Succeeded)
        {
            _values.Clear();
            Snackbar.Add($"Clone {outcome.Name} created", Severity.Success);
        }
        else
        {
            Snackbar.Add($"Clone {outcome.Name} was not created: step {outcome.FailedStep} failed",
                Severity.Error);
        }
    }

    private static bool IsCreateStep(CloneChange change) =>
        change is StepReported { Event.Operation: Operations.Create };

    private Task OnStepsAsync(IReadOnlyList<CloneChange> changes, CancellationToken token) =>
        InvokeAsync(() =>
        {
            if (!_creating)
            {
                return;
            }

            foreach (var change in changes)
            {
                var stepEvent = ((StepReported)change).Event;
                _cloneName ??= IsFirstStep(stepEvent) ? stepEvent.CloneName : null;
                if (stepEvent.CloneName == _cloneName
                    && !_steps.Exists(s => s.Sequence == stepEvent.Sequence))
                {
                    _steps.Add(stepEvent);
                }
            }

            StateHasChanged();
        });

    private static bool IsFirstStep(StepEvent stepEvent) =>
        stepEvent.Step == Steps.Validate && stepEvent.Kind == StepEventKind.Started;

    private async Task StopWatchingAsync()
    {
        if (_watch is { } watch)
        {
            _watch = null;
            await watch.DisposeAsync();
        }
    }

    private void OpenClone() => Dialog?.Close(DialogResult.Ok(_outcome?.Name));

    private void Close()
    {
        if (_outcome is { Succeeded: true } done)
        {
            Dialog?.Close(DialogResult.Ok(done.Name));
        }
        else
        {
            Dialog?.Cancel();
        }
    }
}
