using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cloner.Tests.Blueprints;
using Cloner.Tests.Templates;

namespace Cloner.Tests.Sample;

/// <summary>The sample bot's components, run as real python3 processes.</summary>
public sealed class SampleAppTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The stop timeout of every sample component, after which Cloner kills it.</summary>
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(10);

    private readonly string _root = Directory.CreateTempSubdirectory("cloner-sample-").FullName;
    private readonly string _folder;
    private readonly List<SampleProcess> _processes = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public SampleAppTests()
    {
        _folder = SampleBlueprintFolder.CopyEgo1To(_root);
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        _http.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Bot_GetHealth_NamesCloneComponentAndNumber()
    {
        var port = SampleProcess.FreePort();
        var bot = await StartAsync("bot.py", Env(("PORT", $"{port}"), ("BOT_NUMBER", "7")));

        using var health = await _http.GetFromJsonAsync<JsonDocument>(
            $"http://127.0.0.1:{port}/health");

        var root = health!.RootElement;
        Assert.Equal("ok", root.GetProperty("status").GetString());
        Assert.Equal("bot7", root.GetProperty("clone").GetString());
        Assert.Equal("bot", root.GetProperty("component").GetString());
        Assert.Equal("7", root.GetProperty("botNumber").GetString());
        await bot.WaitForLineAsync("GET /health", StartTimeout);
    }

    [Fact]
    public async Task Bot_GetEnv_HashesMatchEveryBlueprintEnvValue()
    {
        var port = SampleProcess.FreePort();
        var values = FluidTemplateRendererTests.LoadEgo1().Env
            .ToDictionary(e => e.Key, e => $"value of {e.Key} & <ü>");
        values["PORT"] = $"{port}";
        values["SESSION_ID2"] = "";
        await StartAsync("bot.py", Env([.. values.Select(p => (p.Key, p.Value))]));

        using var env = await _http.GetFromJsonAsync<JsonDocument>($"http://127.0.0.1:{port}/env");

        var hashes = env!.RootElement.EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(values.Keys.Order(), hashes.Keys.Order());
        foreach (var (key, value) in values)
        {
            Assert.Equal(Sha256(value), hashes[key]);
        }
    }

    [Fact]
    public async Task Bot_ValuesOnlyInDotEnv_AreReadFromTheFile()
    {
        var port = SampleProcess.FreePort();
        await File.WriteAllTextAsync(Path.Combine(_folder, ".env"),
            $"PORT='{port}'\nBOT_TOKEN='from-file:token'\nBOT_NUMBER='3'\n");
        await StartAsync("bot.py", new Dictionary<string, string> { ["CLONER_CLONE"] = "bot3" });

        using var env = await _http.GetFromJsonAsync<JsonDocument>($"http://127.0.0.1:{port}/env");

        Assert.Equal(Sha256("from-file:token"),
            env!.RootElement.GetProperty("BOT_TOKEN").GetString());
        Assert.Equal(Sha256("3"), env.RootElement.GetProperty("BOT_NUMBER").GetString());
    }

    [Fact]
    public async Task Vk_GetHealth_NamesComponent()
    {
        var port = SampleProcess.FreePort();
        await StartAsync("vk.py", Env(("VK_PORT", $"{port}")));

        using var health = await _http.GetFromJsonAsync<JsonDocument>(
            $"http://127.0.0.1:{port}/health");

        Assert.Equal("vk", health!.RootElement.GetProperty("component").GetString());
        Assert.Equal("bot7", health.RootElement.GetProperty("clone").GetString());
    }

    [Fact]
    public async Task WebSocket_SendMessages_EchoesThemBack()
    {
        var port = SampleProcess.FreePort();
        await StartAsync("websocket.py", Env(("WEBSOCKET_PORT", $"{port}")));
        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws"), timeout.Token);

        var small = await EchoAsync(socket, "hello from bot7 ✓", timeout.Token);
        var large = await EchoAsync(socket, new string('x', 70_000), timeout.Token);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);

        Assert.Equal("hello from bot7 ✓", small);
        Assert.Equal(70_000, large.Length);
        Assert.Equal(WebSocketState.Closed, socket.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }

    [Fact]
    public async Task WebSocket_GetHealth_Answers()
    {
        var port = SampleProcess.FreePort();
        await StartAsync("websocket.py", Env(("WEBSOCKET_PORT", $"{port}")));

        using var health = await _http.GetFromJsonAsync<JsonDocument>(
            $"http://127.0.0.1:{port}/health");

        Assert.Equal("websocket", health!.RootElement.GetProperty("component").GetString());
    }

    [Theory]
    [InlineData("bot.py", "PORT")]
    [InlineData("vk.py", "VK_PORT")]
    [InlineData("websocket.py", "WEBSOCKET_PORT")]
    [InlineData("billing.py", null)]
    public async Task Component_SigTerm_ExitsZeroBeforeItsStopTimeout(
        string script,
        string? portKey)
    {
        var env = portKey is null ? Env() : Env((portKey, $"{SampleProcess.FreePort()}"));
        var process = await StartAsync(script, env);

        var watch = Stopwatch.StartNew();
        process.Terminate();
        var exitCode = await process.WaitForExitAsync(StopLimit);

        Assert.True(exitCode is not null, $"{script} still ran {StopLimit} after SIGTERM");
        Assert.Equal(0, exitCode);
        Assert.True(watch.Elapsed < StopLimit);
        Assert.Contains(process.Lines,
            l => l.Contains("received SIGTERM", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Billing_Running_LogsHeartbeatLines()
    {
        var billing = await StartAsync("billing.py", Env());

        await billing.WaitForLineAsync("billing pass 1", TimeSpan.FromSeconds(8));

        Assert.All(billing.Lines, l => Assert.Contains("bot7/billing", l));
    }

    [Fact]
    public async Task Bot_BadPort_ExitsWithAnErrorNamingTheKey()
    {
        var bot = SampleProcess.Start(_folder, "bot.py", Env(("PORT", "eighty")));
        _processes.Add(bot);

        var exitCode = await bot.WaitForExitAsync(StartTimeout);

        Assert.Equal(2, exitCode);
        Assert.Contains(bot.Lines,
            l => l.Contains("PORT must be a port number", StringComparison.Ordinal));
    }

    private async Task<SampleProcess> StartAsync(string script, Dictionary<string, string> env)
    {
        var process = SampleProcess.Start(_folder, script, env);
        _processes.Add(process);
        var ready = script == "billing.py" ? "started" : "listening on";
        await process.WaitForLineAsync(ready, StartTimeout);
        return process;
    }

    private static Dictionary<string, string> Env(params (string Key, string Value)[] values)
    {
        var env = new Dictionary<string, string>
        {
            ["CLONER_CLONE"] = "bot7",
            ["BOT_NUMBER"] = "7",
        };
        foreach (var (key, value) in values)
        {
            env[key] = value;
        }

        return env;
    }

    private static async Task<string> EchoAsync(
        ClientWebSocket socket,
        string message,
        CancellationToken cancellationToken)
    {
        await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text,
            endOfMessage: true, cancellationToken);

        var received = new MemoryStream();
        var buffer = new byte[8192];
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, cancellationToken);
            received.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        return Encoding.UTF8.GetString(received.ToArray());
    }

    private static string Sha256(string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
