using System.Text.Json;
using System.Text.Json.Serialization;
using Cloner.Domain.Blueprints;
using Cloner.Domain.Clones;
using Cloner.Domain.Processes;
using Cloner.Domain.Provisioning;
using Cloner.Web.Api;

namespace Cloner.Tests.Web.Api;

public sealed class ApiModelsTests
{
    private const string Token = "TOKEN-abcdefghij-123";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly Blueprint Ego1 = new()
    {
        Name = "ego1",
        Title = "Ego1 chat bot",
        ClonePrefix = "bot",
        Folder = "/blueprints/ego1",
        Inputs =
        [
            new BlueprintInput("token", "Bot token", true, true, "^[A-Za-z0-9:_-]{10,200}$"),
            new BlueprintInput("session_id", "Session id", true, false, null),
        ],
        Ports = [new PortSlot("http", 8100, 8999)],
        Components = [new ComponentSpec { Name = "bot", Command = "python3", Autostart = true }],
    };

    [Fact]
    public void CloneModel_RecordHoldsSecretInput_SecretLeftOutOfJson()
    {
        var view = View(
            new Dictionary<string, string> { ["token"] = Token, ["session_id"] = "s-1" });

        var json = JsonSerializer.Serialize(CloneModel.From(view, Ego1), Json);

        Assert.DoesNotContain(Token, json);
        Assert.DoesNotContain("\"token\"", json);
        Assert.Contains("\"session_id\":\"s-1\"", json);
        Assert.DoesNotContain("password", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void CloneModel_WithSteps_CamelCaseAndEnumsAsNames()
    {
        var view = View(new Dictionary<string, string> { ["session_id"] = "s-1" });
        var step = new StepEvent("bot7", 3, Operations.Create, Steps.Files,
            StepEventKind.Succeeded, "files succeeded in 4 ms", 4, DateTimeOffset.UnixEpoch);

        using var json = JsonDocument.Parse(
            JsonSerializer.Serialize(CloneModel.From(view, Ego1, [step]), Json));

        var root = json.RootElement;
        Assert.Equal("bot7", root.GetProperty("name").GetString());
        Assert.Equal("Ready", root.GetProperty("status").GetString());
        Assert.Equal(8101, root.GetProperty("ports").GetProperty("http").GetInt32());
        var component = root.GetProperty("components")[0];
        Assert.Equal("Running", component.GetProperty("state").GetString());
        Assert.Equal(4242, component.GetProperty("pid").GetInt32());
        Assert.Equal(12.5, component.GetProperty("cpuPercent").GetDouble());
        Assert.Equal(1024, component.GetProperty("memoryBytes").GetInt64());
        var saved = root.GetProperty("steps")[0];
        Assert.Equal("Succeeded", saved.GetProperty("kind").GetString());
        Assert.Equal("files", saved.GetProperty("step").GetString());
        Assert.Equal(4, saved.GetProperty("durationMs").GetInt64());
    }

    [Fact]
    public void CloneModel_WithoutSteps_NoStepsProperty()
    {
        var model = CloneModel.From(View(new Dictionary<string, string>()), Ego1);

        var json = JsonSerializer.Serialize(model, Json);

        Assert.DoesNotContain("\"steps\"", json);
    }

    [Fact]
    public void BlueprintModel_SecretInput_MarkedSecretWithItsPattern()
    {
        using var json = JsonDocument.Parse(
            JsonSerializer.Serialize(BlueprintModel.From(Ego1), Json));

        var token = json.RootElement.GetProperty("inputs")[0];
        Assert.Equal("token", token.GetProperty("key").GetString());
        Assert.True(token.GetProperty("secret").GetBoolean());
        Assert.Equal("^[A-Za-z0-9:_-]{10,200}$", token.GetProperty("pattern").GetString());
        var http = json.RootElement.GetProperty("ports").GetProperty("http");
        Assert.Equal(8100, http.GetProperty("from").GetInt32());
        var component = json.RootElement.GetProperty("components")[0];
        Assert.Equal("bot", component.GetProperty("name").GetString());
    }

    [Fact]
    public void LogText_OutAndErrLines_OneLineEachWithUtcTime()
    {
        var at = new DateTimeOffset(2025, 1, 2, 3, 4, 5, 6, TimeSpan.FromHours(2));

        var text = CloneEndpoints.LogText(
        [
            new LogLine(1, at, false, "hello"),
            new LogLine(2, at, true, "oops"),
        ]);

        Assert.Equal(
            "2025-01-02T01:04:05.006Z out hello\n2025-01-02T01:04:05.006Z err oops\n", text);
    }

    private static CloneView View(Dictionary<string, string> inputs)
    {
        var clone = new Clone
        {
            Name = "bot7",
            Blueprint = "ego1",
            Number = 7,
            Status = CloneStatus.Ready,
            Inputs = inputs,
            Ports = new Dictionary<string, int> { ["http"] = 8101 },
            Folder = "/bots/bot7",
            DatabaseName = "bot7",
            DatabaseUser = "bot7",
            CreatedAt = DateTimeOffset.UnixEpoch,
        };
        var record = new ComponentRecord
        {
            CloneName = "bot7",
            Component = "bot",
            State = ComponentState.Running,
            Pid = 4242,
        };
        var sample = new ResourceSample(12.5, 1024, 3, 1, DateTimeOffset.UnixEpoch);
        return new CloneView(clone, [new ComponentView("bot", record, sample, true)]);
    }
}
