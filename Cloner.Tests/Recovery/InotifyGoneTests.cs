using System.Diagnostics;
using Cloner.Tests.TestHost;
using Xunit.Abstractions;

namespace Cloner.Tests.Recovery;

/// <summary>
/// A Cloner started while the user's inotify instances are all taken (another program leaks
/// them, or fs.inotify.max_user_instances is low). The Cloner runs in a user namespace of its
/// own whose inotify limit is 0, so the machine's other programs keep theirs.
/// </summary>
[Collection(ClonerServersCollection.Name)]
public sealed class InotifyGoneTests(ITestOutputHelper output)
{
    private static readonly string[] s_noInotify =
    [
        "unshare", "--user", "--map-root-user", "sh", "-c",
        "echo 0 > /proc/sys/user/max_inotify_instances && exec \"$@\"", "sh",
    ];

    private static readonly string s_tag =
        string.Concat(Enumerable.Range(0, 4).Select(_ => (char)('a' + Random.Shared.Next(26))));

    [SkippableFact]
    public async Task Start_NoInotifyInstanceLeft_ServesAndFollowsLogsByPolling()
    {
        var servers = LiveServers.Require();
        Skip.IfNot(UserNamespacesWork(), "unshare --user cannot set an inotify limit here");
        await using var host = await ClonerHost.StartAsync(servers, launchThrough: s_noInotify);
        var name = $"in{s_tag}";
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();
            await api.CreateSampleAsync(name);
            await api.WaitForStateAsync(name, "bot", "Running");

            var logs = await WaitForLogAsync(api, name, " starting, token ");

            Assert.Contains(" starting, token ", logs, StringComparison.Ordinal);
            await api.DeleteOkAsync(name);
            await CloneTraces.AssertNoneLeftAsync(host, servers, name, "its delete");
        });
    }

    private static async Task<string> WaitForLogAsync(ClonerApi api, string clone, string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var logs = "";
        while (DateTime.UtcNow < deadline && !logs.Contains(text, StringComparison.Ordinal))
        {
            await Task.Delay(250);
            logs = await api.Http.GetStringAsync(
                $"api/clones/{clone}/components/bot/logs?tail=50");
        }

        return logs;
    }

    /// <summary>Whether this machine lets a user namespace set its own inotify limit.</summary>
    private static bool UserNamespacesWork()
    {
        var start = new ProcessStartInfo(s_noInotify[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in s_noInotify.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("true");
        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return false;
            }

            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
