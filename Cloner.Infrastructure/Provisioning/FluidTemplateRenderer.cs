using System.Collections.Concurrent;
using System.Globalization;
using Cloner.Domain.Provisioning;
using Fluid;

namespace Cloner.Infrastructure.Provisioning;

/// <summary>
/// Renders the blueprint's Liquid templates with Fluid. Output is not HTML-encoded (these are
/// config files), a variable or filter that does not exist is an error rather than an empty
/// text (a typo in an nginx port must not install a broken route), and parsed templates are
/// cached by their text.
/// </summary>
public sealed class FluidTemplateRenderer : ITemplateRenderer
{
    /// <summary>Past this many cached templates the cache starts again, so edits cannot grow it.</summary>
    private const int CacheLimit = 1_000;

    private static readonly FluidParser Parser = new();

    private readonly ConcurrentDictionary<string, IFluidTemplate> _cache = new(StringComparer.Ordinal);

    private readonly TemplateOptions _options = new()
    {
        StrictVariables = true,
        StrictFilters = true,
        MaxSteps = 100_000,
        CultureInfo = CultureInfo.InvariantCulture,
    };

    public string Render(string templateName, string template, TemplateModel model)
    {
        var parsed = Parse(templateName, template);
        var context = new TemplateContext(_options);
        context.SetValue("clone", new Dictionary<string, object>
        {
            ["name"] = model.CloneName,
            ["number"] = model.CloneNumber,
            ["dir"] = model.CloneDir,
        });
        context.SetValue("inputs", model.Inputs.ToDictionary(p => p.Key, p => (object)p.Value));
        context.SetValue("ports", model.Ports.ToDictionary(p => p.Key, p => (object)p.Value));
        context.SetValue("db", model.Db.ToDictionary(p => p.Key, p => (object)p.Value));

        try
        {
            return parsed.Render(context, NullEncoder.Default);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Fluid's messages name the variable or filter, never a rendered value.
            throw new ProvisioningException(
                $"template {templateName} cannot be rendered: {e.Message}; the variables are " +
                "clone.name, clone.number, clone.dir, inputs.*, ports.* and db.*", e);
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
            throw new ProvisioningException(
                $"template {templateName} cannot be parsed: {error}; fix the Liquid syntax " +
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
