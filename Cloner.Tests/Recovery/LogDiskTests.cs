using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Cloner.Infrastructure.Processes;
using Cloner.Tests.Processes;
using Cloner.Tests.TestHost;
using Xunit.Abstractions;

namespace Cloner.Tests.Recovery;

/// <summary>
/// A full disk under the logs folder: a 4 MiB tmpfs at <c>&lt;DataDir&gt;/logs</c> of a fresh
/// Cloner, a clone that floods its output until the log relays pause, a quiet sample clone
/// beside it that must keep answering, and a sample clone created while the disk is full.
/// </summary>
[Collection(ClonerServersCollection.Name)]
public sealed class LogDiskTests(ITestOutputHelper output)
{
    private const string FullWords = "is full";

    private static readonly TimeSpan s_judgeTimeout = TimeSpan.FromSeconds(15);

    private static readonly string s_tag =
        string.Concat(Enumerable.Range(0, 4).Select(_ => (char)('a' + Random.Shared.Next(26))));

    [SkippableFact]
    public async Task FloodingClone_LogsDiskFills_MessagesSayFullApiServesAndClearOnDelete()
    {
        var servers = LiveServers.Require();
        Skip.IfNot(TmpfsMount.Permitted(out var why), why);
        string? logs = null;
        try
        {
            await using (var host = await ClonerHost.StartAsync(servers, env =>
            {
                logs = Path.Combine(env["Cloner__DataDir"]!, "logs");
                TmpfsMount.Mount(logs, "4m");
            }))
            {
                await host.RunAsync(output, () => RunAsync(host, servers, logs!));
            }
        }
        finally
        {
            if (logs is not null)
            {
                // After a failure the relays of a deleted flooder may still wait for room.
                EmptyFolder(logs);
                LogDisk.EndOrphanRelays(logs);
                TmpfsMount.Unmount(logs);
                DeleteRoot(logs);
            }
        }
    }

    private static async Task RunAsync(ClonerHost host, LiveServers servers, string logs)
    {
        var quiet = $"ld{s_tag}q";
        var flood = $"ld{s_tag}f";
        var late = $"ld{s_tag}l";
        var mark = host.OutputMark;
        using var api = await host.CreateClient().SignInAsync();
        try
        {
            var quietClone = await api.CreateSampleAsync(quiet);
            var health = new Uri($"http://127.0.0.1:{ClonerApi.Port(quietClone, "http")}/health");
            await api.WaitForStateAsync(quiet, "bot", "Running");
            using (var created = await api.CreateAsync(FloodRequest(flood)))
            {
                await ClonerApi.ExpectAsync(created, HttpStatusCode.Created, $"create {flood}");
            }

            await api.WaitForStateAsync(flood, "flood", "Running");
            var flooder = await WaitForMessageAsync(api, flood, "flood", full: true);
            Assert.Equal("Running", flooder.GetProperty("state").GetString());
            Assert.Contains(logs, flooder.GetProperty("message").GetString(),
                StringComparison.Ordinal);
            Assert.Contains(host.OutputSince(mark),
                l => l.Contains("logs disk", StringComparison.Ordinal)
                    && l.Contains(FullWords, StringComparison.Ordinal));

            var fullHost = await WaitForHostAsync(api, full: true);
            Assert.Contains(logs, fullHost.GetProperty("logsDiskMessage").GetString(),
                StringComparison.Ordinal);
            Assert.True(fullHost.GetProperty("logsDiskFreeBytes").GetInt64() < 1024 * 1024);
            await CheckServingAsync(api, quiet, health);
            var restarted = await api.ComponentOkAsync(quiet, "bot", "restart");
            Assert.NotEqual("Fatal", restarted.GetProperty("state").GetString());
            await api.WaitForStateAsync(quiet, "bot", "Running");
            await WaitForMessageAsync(api, quiet, "bot", full: true);
            await api.CreateSampleAsync(late);
            await api.WaitForStateAsync(late, "bot", "Running");
            await WaitForMessageAsync(api, late, "bot", full: true);

            var watch = Stopwatch.StartNew();
            var stopped = await api.ComponentOkAsync(flood, "flood", "stop");
            Assert.Equal("Stopped", stopped.GetProperty("state").GetString());
            // Blocked on its pipe, the flooder must still stop: at once by SIGTERM, or by
            // SIGKILL after its 5 s timeout, with room for a slow machine.
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5) + SupervisorHarness.Patience,
                $"the stop of the blocked flooder took {watch.Elapsed}, past its 5 s timeout");

            await api.DeleteOkAsync(flood);
            var bot = await WaitForMessageAsync(api, quiet, "bot", full: false);
            Assert.Equal("Running", bot.GetProperty("state").GetString());
            Assert.Contains(host.OutputSince(mark),
                l => l.Contains("has room again", StringComparison.Ordinal));
            var roomyHost = await WaitForHostAsync(api, full: false);
            Assert.Equal(JsonValueKind.Null, roomyHost.GetProperty("logsDiskMessage").ValueKind);
            await CheckServingAsync(api, quiet, health);

            await WaitForMessageAsync(api, late, "bot", full: false);
            await api.DeleteOkAsync(quiet);
            await api.DeleteOkAsync(late);
        }
        finally
        {
            await api.DeleteIfPresentAsync(flood);
            await api.DeleteIfPresentAsync(quiet);
            await api.DeleteIfPresentAsync(late);
        }

        foreach (var name in new[] { flood, quiet, late })
        {
            await CloneTraces.AssertNoneLeftAsync(host, servers, name, "its delete");
        }
    }

    /// <summary>
    /// Waits until the component's message says the logs disk is full (or says nothing of it).
    /// </summary>
    private static async Task<JsonElement> WaitForMessageAsync(
        ClonerApi api, string clone, string component, bool full)
    {
        var deadline = DateTime.UtcNow + s_judgeTimeout;
        var last = "(none)";
        while (DateTime.UtcNow < deadline)
        {
            var found = ClonerApi.Component(await api.GetCloneAsync(clone), component);
            last = found.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
            if (last.Contains("logs disk", StringComparison.Ordinal) == full
                && (!full || last.Contains(FullWords, StringComparison.Ordinal)))
            {
                return found;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException(
            $"{clone}/{component}'s message did not {(full ? "" : "stop ")}say the logs disk is "
            + $"full within {s_judgeTimeout}; last message: {last}");
    }

    /// <summary>Waits until <c>GET /api/host</c> says the logs disk is full (or is not).</summary>
    private static async Task<JsonElement> WaitForHostAsync(ClonerApi api, bool full)
    {
        var deadline = DateTime.UtcNow + s_judgeTimeout;
        var last = "(none)";
        while (DateTime.UtcNow < deadline)
        {
            using var answer = await api.Http.GetAsync("api/host");
            last = await answer.Content.ReadAsStringAsync();
            if (answer.IsSuccessStatusCode)
            {
                var host = JsonDocument.Parse(last).RootElement.Clone();
                if (host.GetProperty("logsDiskFull").GetBoolean() == full)
                {
                    return host;
                }
            }

            await Task.Delay(250);
        }

        throw new TimeoutException(
            $"GET api/host did not say logsDiskFull={full} within {s_judgeTimeout}: {last}");
    }

    private static async Task CheckServingAsync(ClonerApi api, string quiet, Uri health)
    {
        using (var list = await api.Http.GetAsync("api/clones"))
        {
            await ClonerApi.ExpectAsync(list, HttpStatusCode.OK, "GET api/clones");
        }

        await api.GetCloneAsync(quiet);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var answer = await http.GetAsync(health);
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.IsSuccessStatusCode, $"GET {health}: {answer.StatusCode} {body}");
        Assert.Contains(quiet, body, StringComparison.Ordinal);
    }

    private static object FloodRequest(string name) => new
    {
        blueprint = "flood",
        name,
        inputs = new Dictionary<string, string>(),
    };

    private static void EmptyFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo directory)
            {
                directory.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }
    }

    /// <summary>The temp root the host could not remove while the tmpfs was in it.</summary>
    private static void DeleteRoot(string logs)
    {
        var root = Path.GetDirectoryName(Path.GetDirectoryName(logs));
        if (root is not null && Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }
}

/// <summary>mount(8) and umount(8) of a tmpfs, for tests that need a small disk.</summary>
internal static class TmpfsMount
{
    /// <summary>Whether this process may mount a tmpfs; the reason when not.</summary>
    public static bool Permitted(out string reason)
    {
        var probe = Directory.CreateTempSubdirectory("cloner-tmpfs-probe-").FullName;
        try
        {
            var (code, text) = Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe);
            reason = code == 0
                ? ""
                : $"mounting a tmpfs is not permitted here (mount said: {text.Trim()}); "
                    + "run the test as root or in a container with CAP_SYS_ADMIN";
            return code == 0;
        }
        finally
        {
            Run("umount", probe);
            Directory.Delete(probe);
        }
    }

    public static void Mount(string folder, string size)
    {
        Directory.CreateDirectory(folder);
        var (code, text) = Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", folder);
        if (code != 0)
        {
            throw new InvalidOperationException($"mount of a tmpfs at {folder} failed: {text}");
        }
    }

    /// <summary>Unmounts; lazily when a process (a relay that outlived Cloner) holds it.</summary>
    public static void Unmount(string folder)
    {
        if (Run("umount", folder).Code != 0)
        {
            Run("umount", "-l", folder);
        }
    }

    private static (int Code, string Text) Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start)!;
            var text = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, text);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }
}
