using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Cloner.Domain.Provisioning;
using Cloner.Infrastructure;
using Cloner.Infrastructure.Provisioning;
using Cloner.Tests.Blueprints;
using Cloner.Tests.Templates;
using Cloner.Tests.TestServers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloner.Tests.Sample;

/// <summary>
/// The sample's nginx template, installed in the private nginx of scripts/test-servers.sh,
/// routes each path to the right running component.
/// </summary>
public sealed class SampleRouteTests : IAsyncLifetime
{
    private readonly string _clone = $"bp{Guid.NewGuid():N}"[..10];
    private readonly string _root = Directory.CreateTempSubdirectory("cloner-route-").FullName;
    private readonly List<SampleProcess> _processes = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private NginxRouteInstaller? _installer;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_installer is not null && _installer.Exists(_clone))
        {
            await _installer.RemoveAsync(_clone, new Progress<string>(), CancellationToken.None);
            await _installer.ReloadAsync(CancellationToken.None);
        }

        foreach (var process in _processes)
        {
            process.Dispose();
        }

        _http.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [SkippableFact]
    public async Task SampleVhost_Installed_RoutesHttpVkAndWebSocketToTheirComponents()
    {
        TestServerEnvironment.SkipUnlessNginx();
        var ports = new Dictionary<string, int>
        {
            ["http"] = SampleProcess.FreePort(),
            ["vk"] = SampleProcess.FreePort(),
            ["websocket"] = SampleProcess.FreePort(),
        };
        await StartComponentsAsync(ports);
        var model = FluidTemplateRendererTests.Bot7 with { CloneName = _clone, Ports = ports };
        var vhost = new FluidTemplateRenderer().Render("nginx template",
            FluidTemplateRendererTests.LoadEgo1().NginxTemplate!, model);
        _installer = Installer();

        await _installer.InstallAsync(_clone, vhost, new Progress<string>(),
            CancellationToken.None);
        await _installer.ReloadAsync(CancellationToken.None);

        using var bot = JsonDocument.Parse(await GetWhenServedAsync($"/{_clone}/health"));
        using var vk = JsonDocument.Parse(await GetWhenServedAsync($"/{_clone}/vk/health"));
        Assert.Equal(_clone, bot.RootElement.GetProperty("clone").GetString());
        Assert.Equal("bot", bot.RootElement.GetProperty("component").GetString());
        Assert.Equal("vk", vk.RootElement.GetProperty("component").GetString());
        Assert.Equal("echo through nginx", await EchoThroughNginxAsync("echo through nginx"));
    }

    private async Task StartComponentsAsync(Dictionary<string, int> ports)
    {
        var folder = SampleBlueprintFolder.CopyEgo1To(_root);
        var env = new Dictionary<string, string>
        {
            ["CLONER_CLONE"] = _clone,
            ["BOT_NUMBER"] = "7",
            ["PORT"] = $"{ports["http"]}",
            ["VK_PORT"] = $"{ports["vk"]}",
            ["WEBSOCKET_PORT"] = $"{ports["websocket"]}",
        };
        foreach (var script in new[] { "bot.py", "vk.py", "websocket.py" })
        {
            var process = SampleProcess.Start(folder, script, env);
            _processes.Add(process);
            await process.WaitForLineAsync("listening on", TimeSpan.FromSeconds(10));
        }
    }

    private async Task<string> EchoThroughNginxAsync(string message)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var socket = await ConnectWhenServedAsync(timeout.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text,
            endOfMessage: true, timeout.Token);

        var buffer = new byte[4096];
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    // An old nginx worker can still accept a new connection just after a reload and answer
    // 404, so the upgrade is tried again until the deadline like the GETs below.
    private async Task<ClientWebSocket> ConnectWhenServedAsync(CancellationToken cancellationToken)
    {
        var uri = new Uri($"ws://127.0.0.1:{TestServerEnvironment.NginxPort}/{_clone}/ws");
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var socket = new ClientWebSocket();
            try
            {
                await socket.ConnectAsync(uri, cancellationToken);
                return socket;
            }
            catch (WebSocketException) when (DateTime.UtcNow < deadline)
            {
                socket.Dispose();
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    // A reload swaps nginx's workers a moment after the command returns, so the new route is
    // asked for a few times before the test gives up.
    private async Task<string> GetWhenServedAsync(string path)
    {
        var uri = new Uri(TestServerEnvironment.NginxBaseUri, path);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            using var response = await _http.GetAsync(uri);
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return await response.Content.ReadAsStringAsync();
            }

            await Task.Delay(100);
        }
    }

    private NginxRouteInstaller Installer() => new(new ClonerOptions
    {
        DataDir = _root,
        ClonesRoot = Path.Combine(_root, "bots"),
        BlueprintsDir = SampleBlueprintFolder.BlueprintsDir,
        NginxVhostsDir = TestServerEnvironment.NginxVhostsDir,
        NginxTestCommand = TestServerEnvironment.NginxTestCommand,
        NginxReloadCommand = TestServerEnvironment.NginxReloadCommand,
    }, NullLogger<NginxRouteInstaller>.Instance);
}
