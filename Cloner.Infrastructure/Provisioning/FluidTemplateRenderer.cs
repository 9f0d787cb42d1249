using System.Collections.Concurrent;
using System.Globalization;
using Cloner.Domain.Provisioning;
using Fluid;
using Fluid.Values;

namespace Cloner.Infrastructure.Provisioning;

/// <summary>
/// Renders the blueprint's Liquid templates with Fluid. Output is not HTML-encoded (these are
/// config files), a variable or filter that does not exist is an error rather than an empty
/// text (a typo in an nginx port must not install a broken route), and parsed templates are
/// cached by their text.
/// </summary>
public sealed class FluidTemplateRenderer : ITemplateRenderer
{
    /// <summary>Past this many cached texts the cache starts again.</summary>
    private const int CacheLimit = 1_000;

    private static readonly FluidParser Parser = new();

    private readonly ConcurrentDictionary<string, IFluidTemplate> _cache =
        new(StringComparer.Ordinal);

    private readonly TemplateOptions _options = new()
    {
        StrictFilters = true,
        Undefined = name => throw new UndefinedVariableException(name),
        MaxSteps = 100_000,
        CultureInfo = CultureInfo.InvariantCulture,
    };

    public string Render(string templateName, string template, TemplateModel model)
    {
        var parsed = Parse(templateName, template);
        var context = new TemplateContext(_options);
        context.SetValue("clone", Variables.Of("clone", new Dictionary<string, FluidValue>
        {
            ["name"] = new StringValue(model.CloneName),
            ["number"] = NumberValue.Create(model.CloneNumber),
            ["dir"] = new StringValue(model.CloneDir),
        }));
        context.SetValue("inputs", Variables.Of("inputs",
            model.Inputs.ToDictionary(p => p.Key, p => (FluidValue)new StringValue(p.Value))));
        context.SetValue("ports", Variables.Of("ports",
            model.Ports.ToDictionary(p => p.Key, p => NumberValue.Create(p.Value))));
        context.SetValue("db", Variables.Of("db",
            model.Db.ToDictionary(p => p.Key, p => (FluidValue)new StringValue(p.Value))));

        try
        {
            return parsed.Render(context, NullEncoder.Default);
        }
        catch (UndefinedVariableException e)
        {
            throw new ProvisioningException(
                $"template {templateName} uses '{e.Name}', which is not a variable; " +
                "the variables are clone.name, clone.number, clone.dir, inputs.*, ports.* " +
                "and db.*", e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Fluid's messages name the variable or filter, never a rendered value.
            throw new ProvisioningException(
                $"template {templateName} cannot be rendered: {e.Message}", e);
        }
    }

    private IFluidTemplate Parse(string templateName, string template)
    {
        if (_cache.TryGetValue(template, out var cached))
        {
            return cached;
        }

        if (!Parser.TryParse(template, out var parsed, out var error))
        {
            // Fluid appends the template's source after the position; the name is enough.
            var reason = error.Split('\n')[0].Trim();
            throw new ProvisioningException(
                $"template {templateName} cannot be parsed: {reason}; fix the Liquid syntax " +
                "in the blueprint");
        }

        if (_cache.Count >= CacheLimit)
        {
            _cache.Clear();
        }

        _cache[template] = parsed;
        return parsed;
    }
}

/// <summary>A template used a variable the model does not have.</summary>
internal sealed class UndefinedVariableException(string name)
    : Exception($"'{name}' is not a variable")
{
    public string Name { get; } = name;
}

/// <summary>
/// One group of variables (<c>ports</c>, <c>db</c>, ...) that refuses a member it does not have,
/// naming it, where Fluid would render nothing.
/// </summary>
internal sealed class Variables(string group, IReadOnlyDictionary<string, FluidValue> values)
    : IFluidIndexable
{
    public int Count => values.Count;

    public IEnumerable<string> Keys => values.Keys;

    public static DictionaryValue Of<T>(string group, Dictionary<string, T> values)
        where T : FluidValue =>
        new(new Variables(group, values.ToDictionary(p => p.Key, p => (FluidValue)p.Value)));

    public bool TryGetValue(string name, out FluidValue value)
    {
        if (values.TryGetValue(name, out var found))
        {
            value = found;
            return true;
        }

        throw new UndefinedVariableException($"{group}.{name}");
    }
}
