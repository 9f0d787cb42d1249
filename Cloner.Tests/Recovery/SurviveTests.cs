using System.Globalization;
using System.Text.Json;
using Cloner.Tests.TestHost;
using Xunit.Abstractions;

namespace Cloner.Tests.Recovery;

/// <summary>
/// The real Cloner is killed with SIGKILL while twelve real components run: they must keep
/// running and logging through their own log relays with no Cloner at all, and the next
/// Cloner on the same folders must re-adopt every one of them with its pid.
/// </summary>
[Collection(ClonerServersCollection.Name)]
public sealed class SurviveTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] s_components = ["bot", "vk", "billing", "websocket"];
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    private readonly string _tag = string.Concat(
        Enumerable.Range(0, 4).Select(_ => (char)('a' + Random.Shared.Next(26))));

    private readonly string _password = "Surv1ve!" + Guid.NewGuid().ToString("N")[..12];

    private readonly List<string> _clones = [];

    private string Root { get; } = Directory.CreateTempSubdirectory("cloner-survive-").FullName;

    private string DataDir => Path.Combine(Root, "data");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        // A failed test may leave components of its clones; they are this run's to end.
        foreach (var clone in _clones)
        {
            foreach (var pid in ProcFs.PidsOfClone(clone))
            {
                ClonerHost.Signal(pid, "KILL");
            }
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A log relay may still be writing; the temp folder is left for the OS.
        }

        return Task.CompletedTask;
    }

    [SkippableFact]
    public async Task KillNine_TwelveComponentsRunning_AllKeepRunningAndLoggingAndAreReadopted()
    {
        var servers = LiveServers.Require();
        CopyFolder(Path.Combine(RepoLayout.SampleBlueprints, "ego1"),
            Path.Combine(Root, "blueprints", "ego1"));
        _clones.AddRange(Enumerable.Range(1, 3).Select(i => $"sv{_tag}{i}"));

        var pids = await StartTwelveAndKillClonerAsync(servers);

        foreach (var ((clone, component), pid) in pids)
        {
            Assert.True(ProcFs.IsAlive(pid),
                $"{clone}/{component} ({pid}) died with the Cloner: {ProcFs.Describe([pid])}");
        }

        await CheckLogsGrowWithoutClonerAsync(pids.Keys);

        await using var second = await StartAsync(servers);
        var restartedAt = DateTimeOffset.UtcNow;
        using var api = await SignIn(second).SignInAsync();
        try
        {
            await second.RunAsync(output, async () =>
            {
                await CheckReadoptedAsync(api, pids);
                await CheckLogArrivesAfterRestartAsync(api, _clones[0], "bot", restartedAt);
                await CheckStopAndRestartAsync(api, pids);
                foreach (var clone in _clones)
                {
                    await api.DeleteOkAsync(clone);
                    var left = await ProcFs.WaitNoneOfCloneAsync(clone, s_timeout);
                    Assert.True(left.Count == 0,
                        $"{clone} was deleted but these are left: {ProcFs.Describe(left)}");
                }
            });
        }
        finally
        {
            foreach (var clone in _clones)
            {
                await api.DeleteIfPresentAsync(clone);
            }
        }
    }

    /// <summary>
    /// Makes the three clones with all four components Running under a Cloner that leaves
    /// them running on shutdown, then SIGKILLs that Cloner; answers each component's pid.
    /// </summary>
    private async Task<Dictionary<(string Clone, string Component), int>>
        StartTwelveAndKillClonerAsync(LiveServers servers)
    {
        var pids = new Dictionary<(string Clone, string Component), int>();
        await using var first = await StartAsync(servers);
        using var api = await SignIn(first).SignInAsync();
        try
        {
            await first.RunAsync(output, async () =>
            {
                foreach (var clone in _clones)
                {
                    await api.CreateSampleAsync(clone);
                    foreach (var component in s_components.Skip(1))
                    {
                        await api.ComponentOkAsync(clone, component, "start");
                    }
                }

                foreach (var clone in _clones)
                {
                    foreach (var component in s_components)
                    {
                        var running = await api.WaitForStateAsync(clone, component, "Running");
                        pids[(clone, component)] = running.GetProperty("pid").GetInt32();
                    }
                }
            });
        }
        catch
        {
            foreach (var clone in _clones)
            {
                await api.DeleteIfPresentAsync(clone);
            }

            throw;
        }

        Assert.Equal(12, pids.Values.Distinct().Count());
        ClonerHost.Signal(first.Pid, "KILL");
        Assert.True(await EventuallyAsync(() => first.HasExited, TimeSpan.FromSeconds(10)),
            $"the Cloner ({first.Pid}) did not die of SIGKILL");
        return pids;
    }

    /// <summary>
    /// With no Cloner running, every component's log file grows by a heartbeat (every 5 s).
    /// </summary>
    private async Task CheckLogsGrowWithoutClonerAsync(
        IEnumerable<(string Clone, string Component)> components)
    {
        var sizes = components.ToDictionary(c => c, c => LogLength(c.Clone, c.Component));
        var grown = await EventuallyAsync(
            () => sizes.All(s => LogLength(s.Key.Clone, s.Key.Component) > s.Value),
            TimeSpan.FromSeconds(8));
        var still = sizes.Where(s => LogLength(s.Key.Clone, s.Key.Component) <= s.Value)
            .Select(s => $"{s.Key.Clone}/{s.Key.Component} ({s.Value} bytes)");
        Assert.True(grown, "these logs did not grow while no Cloner ran: " +
            string.Join(", ", still));
    }

    private static async Task CheckReadoptedAsync(
        ClonerApi api,
        Dictionary<(string Clone, string Component), int> pids)
    {
        using var answer = await api.Http.GetAsync("api/clones");
        var list = await ClonerApi.ExpectAsync(answer, System.Net.HttpStatusCode.OK,
            "GET api/clones");
        var seen = new Dictionary<(string Clone, string Component), (string State, int? Pid)>();
        foreach (var clone in list.EnumerateArray())
        {
            var name = clone.GetProperty("name").GetString()!;
            foreach (var component in clone.GetProperty("components").EnumerateArray())
            {
                var pid = component.GetProperty("pid");
                seen[(name, component.GetProperty("name").GetString()!)] = (
                    component.GetProperty("state").GetString()!,
                    pid.ValueKind == JsonValueKind.Number ? pid.GetInt32() : null);
            }
        }

        foreach (var ((clone, component), pid) in pids)
        {
            Assert.True(seen.TryGetValue((clone, component), out var now),
                $"GET api/clones does not list {clone}/{component}");
            Assert.True(now == ("Running", pid),
                $"{clone}/{component}: expected Running with pid {pid} after the restart, " +
                $"got {now.State} with pid {now.Pid}");
        }
    }

    /// <summary>A heartbeat stamped after the new Cloner started comes through the API.</summary>
    private static async Task CheckLogArrivesAfterRestartAsync(
        ClonerApi api, string clone, string component, DateTimeOffset restartedAt)
    {
        var path = $"api/clones/{clone}/components/{component}/logs?tail=20";
        var last = "";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(12);
        while (DateTime.UtcNow < deadline)
        {
            last = await api.Http.GetStringAsync(path);
            if (last.Split('\n').Any(line => IsHeartbeatAfter(line, restartedAt)))
            {
                return;
            }

            await Task.Delay(500);
        }

        Assert.Fail($"no heartbeat of {clone}/{component} after {restartedAt:O} came through " +
            $"GET {path}; it answered:\n{last}");
    }

    private static bool IsHeartbeatAfter(string line, DateTimeOffset restartedAt)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        return space > 0
            && line.Contains(" heartbeat ", StringComparison.Ordinal)
            && DateTimeOffset.TryParse(line[..space], CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var at)
            && at > restartedAt;
    }

    /// <summary>
    /// The re-adopted components obey the new Cloner: one stops (its pid ends), one restarts
    /// with a new pid and is Running again.
    /// </summary>
    private async Task CheckStopAndRestartAsync(
        ClonerApi api,
        Dictionary<(string Clone, string Component), int> pids)
    {
        var stoppedPid = pids[(_clones[0], "vk")];
        await api.ComponentOkAsync(_clones[0], "vk", "stop");
        await api.WaitForStateAsync(_clones[0], "vk", "Stopped");
        Assert.True(await EventuallyAsync(() => !ProcFs.IsAlive(stoppedPid), s_timeout),
            $"{_clones[0]}/vk was stopped but its pid lives: {ProcFs.Describe([stoppedPid])}");

        var oldPid = pids[(_clones[1], "billing")];
        await api.ComponentOkAsync(_clones[1], "billing", "restart");
        var running = await api.WaitForStateAsync(_clones[1], "billing", "Running");
        var newPid = running.GetProperty("pid").GetInt32();
        Assert.NotEqual(oldPid, newPid);
        Assert.True(ProcFs.IsAlive(newPid), $"{_clones[1]}/billing's new pid {newPid} is gone");
        Assert.True(await EventuallyAsync(() => !ProcFs.IsAlive(oldPid), s_timeout),
            $"{_clones[1]}/billing restarted but its old pid lives: {ProcFs.Describe([oldPid])}");
    }

    private long LogLength(string clone, string component)
    {
        var file = new FileInfo(Path.Combine(DataDir, "logs", clone, component, "out",
            "current"));
        return file.Exists ? file.Length : -1;
    }

    private Task<ClonerHost> StartAsync(LiveServers servers) =>
        ClonerHost.StartAsync(servers, env =>
        {
            env["Cloner__DataDir"] = DataDir;
            env["Cloner__ClonesRoot"] = Path.Combine(Root, "bots");
            env["Cloner__BlueprintsDir"] = Path.Combine(Root, "blueprints");
            env["Cloner__Admin__Password"] = _password;
            env["Cloner__StopComponentsOnShutdown"] = "false";
        });

    private ClonerApi SignIn(ClonerHost host) =>
        new(host.BaseUri, ClonerHost.AdminUserName, _password);

    private static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    private static void CopyFolder(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }

        foreach (var folder in Directory.GetDirectories(source))
        {
            if (Path.GetFileName(folder) is not ("__pycache__" or "logs"))
            {
                CopyFolder(folder, Path.Combine(target, Path.GetFileName(folder)));
            }
        }
    }
}
