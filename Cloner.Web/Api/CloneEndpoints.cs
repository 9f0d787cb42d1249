using System.Globalization;
using System.Text;
using Cloner.Domain.Clones;
using Cloner.Domain.Processes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Cloner.Web.Api;

/// <summary>
/// <c>/api/clones</c>: list, read, create and delete clones, start, stop and restart their
/// components, and read their logs. Domain errors become problems in
/// <see cref="ApiExceptionHandler"/>; a failed create or delete is answered here.
/// </summary>
public static class CloneEndpoints
{
    public const int DefaultTail = 200;

    private const string Example =
        """{"blueprint":"ego1","name":"bot7","inputs":{"token":"...","session_id":"..."}}""";

    private delegate Task<ComponentRecord> ComponentAction(
        CloneService clones, string clone, string component, CancellationToken cancellationToken);

    public static void Map(RouteGroupBuilder api)
    {
        var clones = api.MapGroup("/clones");
        clones.MapGet("", ListAsync);
        clones.MapGet("/{name}", GetAsync);
        clones.MapPost("", CreateAsync);
        clones.MapDelete("/{name}", DeleteAsync);
        MapAction(clones, "start", (s, c, k, t) => s.StartComponentAsync(c, k, t));
        MapAction(clones, "stop", (s, c, k, t) => s.StopComponentAsync(c, k, t));
        MapAction(clones, "restart", (s, c, k, t) => s.RestartComponentAsync(c, k, t));
        clones.MapGet("/{name}/components/{component}/logs", TailAsync);
    }

    private static async Task<IResult> ListAsync(
        CloneService clones, CancellationToken cancellationToken)
    {
        var blueprints = clones.Blueprints();
        var all = await clones.ListAsync(cancellationToken);
        return Results.Ok(all
            .Select(v => CloneModel.From(v, blueprints.Find(v.Record.Blueprint)))
            .ToList());
    }

    private static async Task<IResult> GetAsync(
        string name,
        CloneService clones,
        CancellationToken cancellationToken)
    {
        var details = await clones.GetAsync(name, cancellationToken)
            ?? throw new UnknownCloneException(name);
        var blueprint = clones.Blueprints().Find(details.View.Record.Blueprint);
        return Results.Ok(CloneModel.From(details.View, blueprint, details.Steps));
    }

    private static async Task<IResult> CreateAsync(
        HttpContext http,
        CloneService clones,
        AuditTrail audit,
        IOptions<JsonOptions> json)
    {
        var (body, errors) = await JsonBody.ReadAsync<CreateCloneBody>(
            http.Request, json.Value.SerializerOptions, Example, http.RequestAborted);
        if (errors is null && string.IsNullOrWhiteSpace(body!.Blueprint))
        {
            errors = new()
            {
                ["blueprint"] = ["blueprint is required: name the blueprint to clone"],
            };
        }

        if (errors is not null)
        {
            return Results.Problem(ApiProblems.Validation(errors));
        }

        var inputs = (body!.Inputs ?? []).ToDictionary(i => i.Key, i => i.Value ?? "");
        var request = new CreateCloneRequest(
            body.Blueprint!,
            string.IsNullOrEmpty(body.Name) ? null : body.Name,
            inputs);
        var outcome = await clones.CreateAsync(request, http.RequestAborted);

        await audit.WriteAsync(http, "create", outcome.Name, outcome.Succeeded
            ? $"blueprint {request.Blueprint}"
            : $"blueprint {request.Blueprint}; failed at step {outcome.FailedStep}");
        if (!outcome.Succeeded)
        {
            return Results.Problem(ApiProblems.CreateFailed(outcome));
        }

        var view = outcome.View
            ?? (await clones.GetAsync(outcome.Name, CancellationToken.None))?.View
            ?? throw new UnknownCloneException(outcome.Name);
        var blueprint = clones.Blueprints().Find(request.Blueprint);
        var model = CloneModel.From(view, blueprint, outcome.Steps);
        return Results.Created($"{http.Request.PathBase}/api/clones/{outcome.Name}", model);
    }

    private static async Task<IResult> DeleteAsync(
        string name,
        HttpContext http,
        CloneService clones,
        AuditTrail audit)
    {
        var outcome = await clones.DeleteAsync(name, http.RequestAborted);
        await audit.WriteAsync(http, "delete", name,
            outcome.Succeeded ? null : $"failed at step {outcome.FailedStep}");
        return outcome.Succeeded
            ? Results.NoContent()
            : Results.Problem(ApiProblems.DeleteFailed(outcome));
    }

    private static void MapAction(RouteGroupBuilder group, string verb, ComponentAction action) =>
        group.MapPost($"/{{name}}/components/{{component}}/{verb}", async (
            string name,
            string component,
            HttpContext http,
            CloneService clones,
            IResourceMonitor monitor,
            AuditTrail audit) =>
        {
            var record = await action(clones, name, component, http.RequestAborted);
            await audit.WriteAsync(http, verb, name, $"component {component}; now {record.State}");

            var details = await clones.GetAsync(name, CancellationToken.None);
            var autostart = details?.View.Components
                .FirstOrDefault(c => c.Name == record.Component)?.Autostart ?? false;
            return Results.Ok(ComponentModel.From(
                record, monitor.Latest(name, record.Component), autostart));
        });

    private static async Task<IResult> TailAsync(
        string name,
        string component,
        string? tail,
        CloneService clones,
        CancellationToken cancellationToken)
    {
        var count = DefaultTail;
        if (tail is not null
            && (!int.TryParse(tail, NumberStyles.None, CultureInfo.InvariantCulture, out count)))
        {
            return Results.Problem(ApiProblems.Validation(new Dictionary<string, string[]>
            {
                ["tail"] = [$"tail must be a whole number, 0 or more, like {DefaultTail}"],
            }));
        }

        var lines = await clones.TailAsync(name, component, count, cancellationToken);
        return Results.Text(LogText(lines), "text/plain; charset=utf-8");
    }

    /// <summary>A line per log line: its UTC time, <c>out</c> or <c>err</c>, its text.</summary>
    public static string LogText(IEnumerable<LogLine> lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'",
                    CultureInfo.InvariantCulture))
                .Append(line.IsError ? " err " : " out ")
                .Append(line.Text)
                .Append('\n');
        }

        return text.ToString();
    }
}
