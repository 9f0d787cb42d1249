using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using OpenFiles = Cloner.Infrastructure.Processes.OpenFiles;
using Cloner.Tests.TestHost;
using Xunit.Abstractions;

namespace Cloner.Tests.Recovery;

/// <summary>
/// A real Cloner whose RLIMIT_NOFILE leaves room for a few components: the start that would
/// eat into its reserve is refused Fatal with the numbers, the others keep running, the API
/// keeps answering, and stopping one component makes room for the refused one. The limit is
/// set on the running Cloner with util-linux prlimit, once its idle use is measured.
/// </summary>
[Collection(ClonerServersCollection.Name)]
public sealed class OpenFilesTests(ITestOutputHelper output)
{
    private const string Blueprint = "fdnap";
    private const int Components = 6;

    private static readonly string s_tag =
        string.Concat(Enumerable.Range(0, 4).Select(_ => (char)('a' + Random.Shared.Next(26))));

    [SkippableFact]
    public async Task StartComponents_OpenFileLimitReached_RefusedFatalOthersRunApiAnswers()
    {
        var servers = LiveServers.Require();
        await using var host = await ClonerHost.StartAsync(servers);
        WriteBlueprint(host);
        var name = $"of{s_tag}";
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();
            try
            {
                using var created = await api.CreateAsync(new
                {
                    blueprint = Blueprint,
                    name,
                    inputs = new Dictionary<string, string>(),
                });
                await ClonerApi.ExpectAsync(created, HttpStatusCode.Created, $"create {name}");

                await CheckRefusedThenRoomAfterStopAsync(host, api, name);
            }
            finally
            {
                await api.DeleteIfPresentAsync(name);
            }

            await CloneTraces.AssertNoneLeftAsync(host, servers, name, "its delete");
        });
    }

    private async Task CheckRefusedThenRoomAfterStopAsync(
        ClonerHost host, ClonerApi api, string name)
    {
        var idle = await SettledOpenFilesAsync(host.Pid);
        await api.ComponentOkAsync(name, "n1", "start");
        await api.WaitForStateAsync(name, "n1", "Running");
        var perComponent = await SettledOpenFilesAsync(host.Pid) - idle;
        output.WriteLine($"Cloner holds {idle} descriptors idle, {perComponent} more per "
            + $"running component; with n1 running: {KindsOfOpenFiles(host.Pid)}");
        Assert.InRange(perComponent, 1, OpenFiles.LaunchCost);

        // With n1 running, room for three more launches: the last of them fits by half a
        // component's share, the fifth start would take half a share of the reserve.
        var room = OpenFiles.LaunchCost + 2 * perComponent + perComponent / 2;
        var limit = idle + perComponent + room + OpenFiles.ReserveFloor;
        Assert.True(limit / OpenFiles.ReserveShare <= OpenFiles.ReserveFloor,
            $"limit {limit} would raise the reserve past its floor");
        SetLimit(host.Pid, limit);

        var running = new List<(string Component, int Pid)>
        {
            ("n1", Pid(await api.WaitForStateAsync(name, "n1", "Running"))),
        };
        JsonElement? refused = null;
        var refusedName = "";
        for (var n = 2; n <= Components && refused is null; n++)
        {
            var component = "n" + n.ToString(CultureInfo.InvariantCulture);
            var started = await api.ComponentOkAsync(name, component, "start");
            if (started.GetProperty("state").GetString() == "Fatal")
            {
                (refused, refusedName) = (started, component);
                break;
            }

            running.Add((component, Pid(await api.WaitForStateAsync(name, component, "Running"))));
            output.WriteLine($"{component} runs; Cloner holds "
                + $"{await SettledOpenFilesAsync(host.Pid)} of {limit}");
        }

        Assert.True(refused is not null, $"no start was refused under a limit of {limit}");
        var message = refused.Value.GetProperty("message").GetString() ?? "";
        output.WriteLine($"{refusedName} refused: {message}");
        Assert.Equal(4, running.Count);
        Assert.Contains("open files", message, StringComparison.Ordinal);
        Assert.Contains($"of its {limit.ToString("N0", CultureInfo.InvariantCulture)} open files",
            message, StringComparison.Ordinal);
        Assert.Contains("LimitNOFILE=", message, StringComparison.Ordinal);

        await CheckStillServingAsync(host, api, name, running);

        await api.ComponentOkAsync(name, running[0].Component, "stop");
        await api.WaitForStateAsync(name, running[0].Component, "Stopped");
        await SettledOpenFilesAsync(host.Pid);
        var retried = await api.ComponentOkAsync(name, refusedName, "start");
        Assert.NotEqual("Fatal", retried.GetProperty("state").GetString());
        var after = await api.WaitForStateAsync(name, refusedName, "Running");
        Assert.True(ProcFs.IsAlive(Pid(after)), $"{refusedName} is Running but its pid is gone");

        await CheckBackoffRestartRefusedAsync(host, api, name, running[1].Component, limit);
    }

    /// <summary>
    /// A component that keeps failing starts in the room a stopped one left; the limit is
    /// lowered while it runs, so its restart after the backoff is refused the same way.
    /// </summary>
    private static async Task CheckBackoffRestartRefusedAsync(
        ClonerHost host, ClonerApi api, string name, string making, int limit)
    {
        await api.ComponentOkAsync(name, making, "stop");
        await api.WaitForStateAsync(name, making, "Stopped");
        await SettledOpenFilesAsync(host.Pid);
        await api.ComponentOkAsync(name, "flaky", "start");
        await api.WaitForStateAsync(name, "flaky", "Running");
        SetLimit(host.Pid, limit - OpenFiles.LaunchCost);

        var fatal = await api.WaitForStateAsync(name, "flaky", "Fatal");

        var message = fatal.GetProperty("message").GetString() ?? "";
        Assert.Contains("open files in use (RLIMIT_NOFILE); starting flaky", message,
            StringComparison.Ordinal);
        Assert.True(fatal.GetProperty("restarts").GetInt32() >= 1,
            "flaky went Fatal without a restart; the refusal should come from the backoff");
        var stopped = await api.ComponentOkAsync(name, "flaky", "stop");
        Assert.Equal("Stopped", stopped.GetProperty("state").GetString());
    }

    /// <summary>
    /// The list, a fresh sign-in and the health check answer; the running components are
    /// still Running with their pids alive.
    /// </summary>
    private static async Task CheckStillServingAsync(
        ClonerHost host, ClonerApi api, string name, List<(string Component, int Pid)> running)
    {
        using var list = await api.Http.GetAsync("api/clones");
        var clones = await ClonerApi.ExpectAsync(list, HttpStatusCode.OK, "GET api/clones");
        var clone = clones.EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == name);
        foreach (var (component, pid) in running)
        {
            var state = ClonerApi.Component(clone, component);
            Assert.Equal("Running", state.GetProperty("state").GetString());
            Assert.Equal(pid, Pid(state));
            Assert.True(ProcFs.IsAlive(pid), $"{component} ({pid}) is not alive");
        }

        using (var fresh = await host.CreateClient().SignInAsync())
        {
            using var health = await fresh.Http.GetAsync("healthz");
            await ClonerApi.ExpectAsync(health, HttpStatusCode.OK, "GET healthz");
        }
    }

    private static int Pid(JsonElement component) => component.GetProperty("pid").GetInt32();

    /// <summary>
    /// Cloner's open descriptors once two readings half a second apart agree (tails open a
    /// moment after a start, connections close a moment after a request); the last reading
    /// after five seconds.
    /// </summary>
    private static async Task<int> SettledOpenFilesAsync(int pid)
    {
        var last = OpenFilesOf(pid);
        for (var i = 0; i < 10; i++)
        {
            await Task.Delay(500);
            var now = OpenFilesOf(pid);
            if (now == last)
            {
                return now;
            }

            last = now;
        }

        return last;
    }

    /// <summary>What the descriptors point at, counted by kind, most first.</summary>
    private static string KindsOfOpenFiles(int pid) =>
        string.Join(", ", Directory.GetFileSystemEntries($"/proc/{pid}/fd")
            .Select(fd => new FileInfo(fd).LinkTarget ?? "?")
            .Select(KindOf)
            .GroupBy(kind => kind)
            .OrderByDescending(g => g.Count())
            .Select(g => $"{g.Count()} {g.Key}"));

    /// <summary>A file by its extension or folder, pipe and socket without their inode.</summary>
    private static string KindOf(string target)
    {
        if (!target.StartsWith('/'))
        {
            return target.StartsWith("anon_inode", StringComparison.Ordinal)
                ? target
                : target.Split(':')[0];
        }

        return Path.GetExtension(target) is { Length: > 0 } extension
            ? "*" + extension
            : Path.GetDirectoryName(target) ?? target;
    }

    private static int OpenFilesOf(int pid) =>
        Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;

    /// <summary>Sets soft and hard RLIMIT_NOFILE of the running Cloner with prlimit.</summary>
    private static void SetLimit(int pid, int limit)
    {
        var start = new ProcessStartInfo("prlimit")
        {
            UseShellExecute = false,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("--pid");
        start.ArgumentList.Add(pid.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add($"--nofile={limit}:{limit}");
        using var prlimit = Process.Start(start)
            ?? throw new InvalidOperationException("prlimit (util-linux) did not start");
        var error = prlimit.StandardError.ReadToEnd();
        prlimit.WaitForExit();
        Assert.True(prlimit.ExitCode == 0, $"prlimit failed: {error}");
    }

    /// <summary>
    /// A blueprint of idle components (sleep), none started by itself; the catalog picks up a
    /// new folder on its next read.
    /// </summary>
    private static void WriteBlueprint(ClonerHost host)
    {
        var folder = Path.Combine(host.BlueprintsDir, Blueprint);
        Directory.CreateDirectory(folder);
        var components = string.Concat(Enumerable.Range(1, Components).Select(n => $$"""

              - name: n{{n}}
                command: sleep
                args: [ "3600" ]
                startSeconds: 1s
                stopTimeout: 2s
                autostart: false
            """)) + """

              - name: flaky
                command: sh
                args: [ "-c", "sleep 2; exit 3" ]
                startSeconds: 1s
                autostart: false
            """;
        File.WriteAllText(Path.Combine(folder, "blueprint.yaml"), $$$"""
            name: {{{Blueprint}}}
            title: Idle components for the open-file limit
            clonePrefix: {{{Blueprint}}}
            inputs:
              - { key: note, label: Note, required: false }
            ports:
              http: { from: 25100, to: 25999 }
            env:
              PORT: "{{ ports.http }}"
            components:{{{components}}}
            """);
    }
}
