namespace Cloner.Domain.Provisioning;

/// <summary>Renders the blueprint's Liquid templates: env values and the nginx vhost.</summary>
public interface ITemplateRenderer
{
    /// <summary>
    /// Renders <paramref name="template"/>; a template that does not parse or render throws a
    /// <see cref="ProvisioningException"/> naming <paramref name="templateName"/>.
    /// </summary>
    string Render(string templateName, string template, TemplateModel model);
}

/// <summary>
/// The variables a template sees: <c>clone.name</c>, <c>clone.number</c>, <c>clone.dir</c>,
/// <c>inputs.*</c>, <c>ports.*</c> and <c>db.*</c> (host, port, name, user, password).
/// </summary>
public sealed record TemplateModel(
    string CloneName,
    int CloneNumber,
    string CloneDir,
    IReadOnlyDictionary<string, string> Inputs,
    IReadOnlyDictionary<string, int> Ports,
    IReadOnlyDictionary<string, string> Db);
