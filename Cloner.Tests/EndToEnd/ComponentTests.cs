using System.Net;
using System.Net.WebSockets;
using System.Text;
using Cloner.Tests.TestHost;
using Xunit.Abstractions;

namespace Cloner.Tests.EndToEnd;

/// <summary>Components run as real processes and leave nothing behind when stopped.</summary>
[Collection(ClonerServersCollection.Name)]
public sealed class ComponentTests(SharedCloner shared, ITestOutputHelper output)
{
    private static readonly string[] s_sampleComponents = ["bot", "vk", "billing", "websocket"];

    [SkippableFact]
    public async Task StartAll_SampleClone_FourLiveProcessesThenNoneAfterStop()
    {
        var servers = LiveServers.Require();
        var host = await shared.GetAsync(servers);
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();
            const string name = "quad1";
            await api.DeleteIfPresentAsync(name);
            try
            {
                var clone = await api.CreateSampleAsync(name);
                foreach (var component in s_sampleComponents)
                {
                    await api.ComponentOkAsync(name, component, "start");
                }

                var pids = new List<int>();
                foreach (var component in s_sampleComponents)
                {
                    var running = await api.WaitForStateAsync(name, component, "Running");
                    var pid = running.GetProperty("pid").GetInt32();
                    Assert.True(ProcFs.IsAlive(pid), $"{component} pid {pid} is not alive");
                    Assert.Equal(component,
                        ProcFs.Environ(pid).GetValueOrDefault("CLONER_COMPONENT"));
                    pids.Add(pid);
                }

                Assert.Equal(4, pids.Distinct().Count());
                await CheckAnswersAsync(clone);

                foreach (var component in s_sampleComponents)
                {
                    await api.ComponentOkAsync(name, component, "stop");
                }

                foreach (var component in s_sampleComponents)
                {
                    await api.WaitForStateAsync(name, component, "Stopped");
                }

                var alive = await ProcFs.WaitNoneOfCloneAsync(name, TimeSpan.FromSeconds(5));
                Assert.True(alive.Count == 0, "still alive after stop: " + ProcFs.Describe(alive));
                Assert.All(pids, pid => Assert.False(ProcFs.IsAlive(pid), $"pid {pid} is alive"));
            }
            finally
            {
                await api.DeleteIfPresentAsync(name);
            }
        });
    }

    [SkippableFact]
    public async Task Stop_ComponentIgnoringSigterm_KilledAndNothingLeft()
    {
        var servers = LiveServers.Require();
        var host = await shared.GetAsync(servers);
        await host.RunAsync(output, () => StartThenStopAsync(host, "stub1", "deaf", 1));
    }

    [SkippableFact]
    public async Task Stop_ComponentThatForkedChildren_NoChildGrandchildOrZombieLeft()
    {
        var servers = LiveServers.Require();
        var host = await shared.GetAsync(servers);
        await host.RunAsync(output, () => StartThenStopAsync(host, "stub2", "forker", 3));
    }

    [SkippableFact]
    public async Task Start_UnknownComponent_404NamingItAndNothingStarted()
    {
        var servers = LiveServers.Require();
        var host = await shared.GetAsync(servers);
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();
            const string name = "stub3";
            await api.DeleteIfPresentAsync(name);
            try
            {
                using var created = await api.CreateAsync(StubbornRequest(name));
                await ClonerApi.ExpectAsync(created, HttpStatusCode.Created, "create stub3");

                var before = await Footprint.TakeAsync(host, api, servers);

                using var answer = await api.ComponentAsync(name, "nosuchpart", "start");
                var body = await answer.Content.ReadAsStringAsync();

                Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
                Assert.Contains("nosuchpart", body, StringComparison.Ordinal);
                Assert.Empty(ProcFs.PidsOfClone(name));
                Assert.Equal(before, await Footprint.TakeAsync(host, api, servers));
            }
            finally
            {
                await api.DeleteIfPresentAsync(name);
            }
        });
    }

    private static async Task StartThenStopAsync(
        ClonerHost host,
        string name,
        string component,
        int expectedProcesses)
    {
        using var api = await host.CreateClient().SignInAsync();
        await api.DeleteIfPresentAsync(name);
        try
        {
            using var created = await api.CreateAsync(StubbornRequest(name));
            await ClonerApi.ExpectAsync(created, HttpStatusCode.Created, $"create {name}");
            await api.ComponentOkAsync(name, component, "start");
            await api.WaitForStateAsync(name, component, "Running");
            var processes = await WaitForProcessesAsync(name, expectedProcesses);

            await api.ComponentOkAsync(name, component, "stop");
            await api.WaitForStateAsync(name, component, "Stopped");

            var alive = await ProcFs.WaitNoneOfCloneAsync(name, TimeSpan.FromSeconds(5));
            Assert.True(alive.Count == 0, "still alive after stop: " + ProcFs.Describe(alive));
            Assert.All(processes, pid => Assert.False(ProcFs.IsAlive(pid), $"pid {pid} is alive"));
            var zombies = ProcFs.AllPids()
                .Where(pid => ProcFs.ParentPid(pid) == host.Pid && ProcFs.State(pid) == 'Z')
                .ToList();
            Assert.True(zombies.Count == 0,
                "zombie children of Cloner: " + ProcFs.Describe(zombies));
        }
        finally
        {
            await api.DeleteIfPresentAsync(name);
        }
    }

    private static async Task<IReadOnlyList<int>> WaitForProcessesAsync(string clone, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var pids = ProcFs.PidsOfClone(clone);
        while (pids.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            pids = ProcFs.PidsOfClone(clone);
        }

        Assert.True(pids.Count >= count,
            $"expected {count} processes of {clone}, saw {ProcFs.Describe(pids)}");
        return pids;
    }

    private static object StubbornRequest(string name) => new
    {
        blueprint = "stubborn",
        name,
        inputs = new Dictionary<string, string>(),
    };

    private static async Task CheckAnswersAsync(System.Text.Json.JsonElement clone)
    {
        using var http = new HttpClient();
        foreach (var slot in new[] { "http", "vk", "websocket" })
        {
            var url = $"http://127.0.0.1:{ClonerApi.Port(clone, slot)}/health";
            var (status, text) = await HttpProbe.RetryGetAsync(http, url);
            Assert.True(status == HttpStatusCode.OK, $"{url} answered {status}: {text}");
        }

        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var ws = new Uri($"ws://127.0.0.1:{ClonerApi.Port(clone, "websocket")}/ws");
        await socket.ConnectAsync(ws, timeout.Token);
        var message = Encoding.UTF8.GetBytes("hello from e2e");
        await socket.SendAsync(message, WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[1024];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal("hello from e2e", Encoding.UTF8.GetString(buffer, 0, received.Count));
    }
}
