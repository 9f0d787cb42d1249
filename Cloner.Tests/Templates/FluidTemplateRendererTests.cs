using Cloner.Domain.Blueprints;
using Cloner.Domain.Provisioning;
using Cloner.Infrastructure;
using Cloner.Infrastructure.Blueprints;
using Cloner.Infrastructure.Provisioning;
using Cloner.Tests.Blueprints;

namespace Cloner.Tests.Templates;

public sealed class FluidTemplateRendererTests
{
    private readonly FluidTemplateRenderer _renderer = new();

    public static TemplateModel Bot7 { get; } = new(
        "bot7",
        7,
        "/srv/bots/bot7",
        new Dictionary<string, string>
        {
            ["token"] = "123456:ABC-def_ghi",
            ["session_id"] = "s<1>&\"x\"",
            ["session_id2"] = "",
        },
        new Dictionary<string, int> { ["http"] = 8107, ["vk"] = 9107, ["websocket"] = 10107 },
        new Dictionary<string, string>
        {
            ["host"] = "127.0.0.1",
            ["port"] = "3306",
            ["name"] = "bot7",
            ["user"] = "bot7",
            ["password"] = "p4ss&w<o>rd",
        });

    [Fact]
    public void SampleNginxTemplate_RenderedForBot7_RoutesEachPathToItsPort()
    {
        var ego1 = LoadEgo1();

        var vhost = _renderer.Render("nginx template", ego1.NginxTemplate!, Bot7);

        Assert.Contains("location /bot7/ {", vhost);
        Assert.Contains("proxy_pass http://127.0.0.1:8107/;", vhost);
        Assert.Contains("location /bot7/vk/ {", vhost);
        Assert.Contains("proxy_pass http://127.0.0.1:9107/;", vhost);
        Assert.Contains("location = /bot7/ws {", vhost);
        Assert.Contains("proxy_pass http://127.0.0.1:10107/ws;", vhost);
        Assert.Contains("proxy_set_header Upgrade $http_upgrade;", vhost);
        Assert.Contains("proxy_set_header Connection \"upgrade\";", vhost);
        Assert.DoesNotContain("{{", vhost);
        Assert.DoesNotContain("server {", vhost);
    }

    [Fact]
    public void SampleEnv_RenderedForBot7_GivesValuesUnencoded()
    {
        var ego1 = LoadEgo1();

        var env = ego1.Env.ToDictionary(
            e => e.Key,
            e => _renderer.Render($"env.{e.Key}", e.Template, Bot7));

        Assert.Equal("123456:ABC-def_ghi", env["BOT_TOKEN"]);
        Assert.Equal("8107", env["PORT"]);
        Assert.Equal("9107", env["VK_PORT"]);
        Assert.Equal("10107", env["WEBSOCKET_PORT"]);
        Assert.Equal("127.0.0.1", env["DB_HOST"]);
        Assert.Equal("3306", env["DB_PORT"]);
        Assert.Equal("bot7", env["DB_NAME"]);
        Assert.Equal("bot7", env["DB_USER"]);
        Assert.Equal("p4ss&w<o>rd", env["DB_PASSWORD"]);
        Assert.Equal("s<1>&\"x\"", env["SESSION_ID"]);
        Assert.Equal("", env["SESSION_ID2"]);
        Assert.Equal("7", env["BOT_NUMBER"]);
    }

    [Fact]
    public void CloneDirAndFilters_Render_Work()
    {
        var text = _renderer.Render("t", "{{ clone.dir }}/{{ clone.name | upcase }}", Bot7);

        Assert.Equal("/srv/bots/bot7/BOT7", text);
    }

    [Fact]
    public void ParseError_Render_ThrowsNamingTemplateAndPosition()
    {
        var error = Assert.Throws<ProvisioningException>(
            () => _renderer.Render("nginx template", "location /\n{{ clone.name ", Bot7));

        Assert.StartsWith("template nginx template cannot be parsed: ", error.Message);
        Assert.Matches(@"\(2:\d+\)", error.Message);
    }

    [Fact]
    public void UnknownTag_Render_ThrowsNamingTemplate()
    {
        var error = Assert.Throws<ProvisioningException>(
            () => _renderer.Render("env.PORT", "{% frobnicate %}", Bot7));

        Assert.StartsWith("template env.PORT cannot be parsed: ", error.Message);
    }

    [Fact]
    public void UnknownVariable_Render_ThrowsInsteadOfRenderingEmpty()
    {
        var error = Assert.Throws<ProvisioningException>(
            () => _renderer.Render("env.PORT", "{{ ports.htp }}", Bot7));

        Assert.StartsWith("template env.PORT uses 'ports.htp', which is not a variable",
            error.Message);
        Assert.DoesNotContain("p4ss", error.Message);
    }

    [Fact]
    public void UnknownTopLevelVariable_Render_ThrowsNamingIt()
    {
        var error = Assert.Throws<ProvisioningException>(
            () => _renderer.Render("env.PORT", "{{ port.http }}", Bot7));

        Assert.StartsWith("template env.PORT uses 'port', which is not a variable", error.Message);
    }

    [Fact]
    public void UnknownFilter_Render_Throws()
    {
        Assert.Throws<ProvisioningException>(
            () => _renderer.Render("env.PORT", "{{ ports.http | frob }}", Bot7));
    }

    [Fact]
    public void SameTextTwice_Render_GivesEachModelItsOwnValues()
    {
        var other = Bot7 with { CloneName = "bot8", CloneNumber = 8 };

        var first = _renderer.Render("t", "{{ clone.name }}-{{ clone.number }}", Bot7);
        var second = _renderer.Render("t", "{{ clone.name }}-{{ clone.number }}", other);

        Assert.Equal("bot7-7", first);
        Assert.Equal("bot8-8", second);
    }

    internal static Blueprint LoadEgo1()
    {
        var options = new ClonerOptions
        {
            DataDir = Path.GetTempPath(),
            ClonesRoot = Path.GetTempPath(),
            BlueprintsDir = SampleBlueprintFolder.BlueprintsDir,
        };
        var catalog = new YamlBlueprintCatalog(options, new ListLogger<YamlBlueprintCatalog>());
        var snapshot = catalog.Read();
        return snapshot.Find("ego1")
            ?? throw new InvalidOperationException(string.Join("; ", snapshot.Problems));
    }
}
