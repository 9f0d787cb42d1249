using System.Net;
using System.Text.Json;
using Cloner.Tests.TestHost;
using Xunit.Abstractions;

namespace Cloner.Tests.Recovery;

/// <summary>Many start, stop and restart requests at once on one component of a clone.</summary>
[Collection(ClonerServersCollection.Name)]
public sealed class ComponentRaceTests(SharedCloner shared, ITestOutputHelper output)
{
    private static readonly string[] s_actions = ["start", "stop", "restart"];

    [SkippableFact]
    public async Task FiftyParallelStartStopRestart_OneComponent_OneOrNoProcessMatchingItsState()
    {
        var servers = LiveServers.Require();
        var host = await shared.GetAsync(servers);
        var name = "rr" + string.Concat(
            Enumerable.Range(0, 4).Select(_ => (char)('a' + Random.Shared.Next(26))));
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();
            try
            {
                await api.CreateSampleAsync(name);

                var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
                    Task.Run(async () =>
                    {
                        using var answer = await api.ComponentAsync(
                            name, "vk", s_actions[Random.Shared.Next(s_actions.Length)]);
                        return answer.StatusCode;
                    })));

                Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
                var (state, pid) = await SettledAsync(api, name);
                await CheckProcessesMatchAsync(name, state, pid);
                await api.ComponentOkAsync(name, "vk", "stop");
                await CheckProcessesMatchAsync(name, "Stopped", null);
                var bot = ProcFs.PidsOfClone(name)
                    .Where(p => ProcFs.Environ(p).GetValueOrDefault("CLONER_COMPONENT") == "bot")
                    .ToList();
                Assert.True(bot.Count == 1, $"the bot beside vk: {ProcFs.Describe(bot)}");
            }
            finally
            {
                await api.DeleteIfPresentAsync(name);
            }
        });
    }

    /// <summary>Waits until vk is not Starting or Stopping; answers its state and pid.</summary>
    private static async Task<(string State, int? Pid)> SettledAsync(ClonerApi api, string name)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var vk = ClonerApi.Component(await api.GetCloneAsync(name), "vk");
            var state = vk.GetProperty("state").GetString()!;
            if (state is not ("Starting" or "Stopping") || DateTime.UtcNow > deadline)
            {
                var pid = vk.TryGetProperty("pid", out var p)
                    && p.ValueKind == JsonValueKind.Number
                    ? p.GetInt32()
                    : (int?)null;
                return (state, pid);
            }

            await Task.Delay(250);
        }
    }

    private static async Task CheckProcessesMatchAsync(string name, string state, int? pid)
    {
        // A stopped run may take a moment to be reaped; a running one is there at once.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        var vk = VkPids(ProcFs.PidsOfClone(name));
        while (state != "Running" && vk.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            vk = VkPids(ProcFs.PidsOfClone(name));
        }

        if (state == "Running")
        {
            Assert.True(vk.Count == 1 && vk[0] == pid,
                $"vk is Running with pid {pid}, but its processes are: {ProcFs.Describe(vk)}");
        }
        else
        {
            Assert.True(vk.Count == 0,
                $"vk is {state}, but processes of it live: {ProcFs.Describe(vk)}");
        }
    }

    private static List<int> VkPids(IEnumerable<int> pids) =>
        pids.Where(pid => ProcFs.Environ(pid).GetValueOrDefault("CLONER_COMPONENT") == "vk")
            .ToList();
}
