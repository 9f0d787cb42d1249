using Cloner.Domain.Blueprints;
using Cloner.Domain.Clones;

namespace Cloner.Tests.Domain;

public sealed class CloneRequestRulesTests
{
    private static readonly Blueprint _blueprint = new()
    {
        Name = "ego1",
        Title = "Ego1",
        ClonePrefix = "bot",
        Folder = "/nowhere",
        Inputs =
        [
            new BlueprintInput("token", "Bot token", Required: true, Secret: true, null),
            new BlueprintInput("session_id", "Session id", Required: true, Secret: false, null),
        ],
    };

    [Fact]
    public void Check_InputOfTwoMegabytes_RefusedBeforeAnythingIsMade()
    {
        // A value this long passed validation, and the create made the database, folder and
        // route before the start step failed with "Argument list too long".
        var request = Request(new string('x', 2_000_000));

        var errors = CloneRequestRules.Check(request, _blueprint);

        var problem = Assert.Single(Assert.Contains("inputs.session_id", errors));
        Assert.Contains("Session id", problem);
        Assert.Contains(CloneRequestRules.MaxInputLength.ToString(), problem);
    }

    [Fact]
    public void Check_InputAtTheLimit_Accepted()
    {
        var request = Request(new string('x', CloneRequestRules.MaxInputLength));

        var errors = CloneRequestRules.Check(request, _blueprint);

        Assert.Empty(errors);
    }

    [Fact]
    public void Check_SecretInputTooLong_ProblemDoesNotHoldTheValue()
    {
        var token = "T0ken" + new string('s', CloneRequestRules.MaxInputLength);
        var request = new CreateCloneRequest("ego1", "bot7", new Dictionary<string, string>
        {
            ["token"] = token,
            ["session_id"] = "s1",
        });

        var errors = CloneRequestRules.Check(request, _blueprint);

        var problem = Assert.Single(Assert.Contains("inputs.token", errors));
        Assert.DoesNotContain("T0ken", problem);
    }

    [Theory]
    [InlineData("x; } location / { return 200 pwned; }")]
    [InlineData("a b")]
    [InlineData("a#b")]
    [InlineData("${host}")]
    [InlineData("a\"b")]
    public void Check_NginxTemplateUsesInputAndValueIsNginxSyntax_Refused(string value)
    {
        var blueprint = _blueprint with
        {
            NginxTemplate = "location /{{ inputs.session_id }}/ { proxy_pass http://127.0.0.1:1; }",
        };

        var errors = CloneRequestRules.Check(Request(value), blueprint);

        var problem = Assert.Single(Assert.Contains("inputs.session_id", errors));
        Assert.Contains("nginx", problem);
    }

    [Fact]
    public void Check_NginxTemplateUsesInputAndValueIsPlain_Accepted()
    {
        var blueprint = _blueprint with
        {
            NginxTemplate = "location /{{inputs.session_id}}/ { proxy_pass http://127.0.0.1:1; }",
        };

        Assert.Empty(CloneRequestRules.Check(Request("shop-7.eu_A:1"), blueprint));
    }

    [Fact]
    public void Check_InputNotInNginxTemplate_MayHoldNginxSyntax()
    {
        var blueprint = _blueprint with { NginxTemplate = "location /{{ clone.name }}/ { }" };

        Assert.Empty(CloneRequestRules.Check(Request("x; }"), blueprint));
    }

    private static CreateCloneRequest Request(string sessionId) =>
        new("ego1", "bot7", new Dictionary<string, string>
        {
            ["token"] = "0123456789:abc",
            ["session_id"] = sessionId,
        });
}
