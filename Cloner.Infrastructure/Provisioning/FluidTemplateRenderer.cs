using Cloner.Domain.Provisioning;

namespace Cloner.Infrastructure.Provisioning;

// PLACEHOLDER: replaced by the real Fluid renderer.
public sealed class FluidTemplateRenderer : ITemplateRenderer
{
    public string Render(string templateName, string template, TemplateModel model) =>
        throw new NotImplementedException();
}
