using System.Net;
using Cloner.Domain.Clones;
using Cloner.Domain.Provisioning;
using Cloner.Tests.TestHost;
using Xunit.Abstractions;

namespace Cloner.Tests.Recovery;

/// <summary>
/// Kills a real Cloner with SIGKILL right after each create and each delete step in turn
/// (Cloner:FaultInjection:KillAfterStep), while another clone runs, and starts a new Cloner on
/// the same data folder: nothing of the broken clone may be left, and the other clone keeps
/// its database, folder, vhost, claims and a bot that answers.
/// </summary>
[Collection(ClonerServersCollection.Name)]
public sealed class KillAfterStepTests(KillAfterStepData data, ITestOutputHelper output)
    : IClassFixture<KillAfterStepData>
{
    private static readonly TimeSpan s_deathTimeout = TimeSpan.FromSeconds(30);

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var step in Steps.CreateOrder)
        {
            cases.Add(Operations.Create, step);
        }

        foreach (var step in Steps.DeleteOrder)
        {
            cases.Add(Operations.Delete, step);
        }

        return cases;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public async Task KilledAfterStep_NextStart_LeavesNothingOfTheBrokenCloneAndKeepsTheOther(
        string operation, string step)
    {
        var servers = LiveServers.Require();
        var (other, otherPort) = await data.OtherAsync(servers);
        var broken = data.NewName("b");
        ClonerHost? second = null;
        try
        {
            var before = await KillAsync(servers, operation, step, broken);

            second = await data.StartAsync(servers, killAfterStep: null);
            using var api = await data.SignInAsync(second);
            await RunShowingAllOutputAsync(second, async () =>
            {
                var whole = operation == Operations.Create && step == Steps.Start;
                var after = whole
                    ? await CheckKeptWholeAsync(api, servers, broken)
                    : await CheckGoneAsync(api, servers, broken);
                var left = whole
                    ? "kept whole, the create had finished every step: " + after
                    : after.ToString();
                output.WriteLine(FaultTable.Record(operation, step, before.ToString(), left));

                await CheckOtherKeptAsync(api, servers, other, otherPort);
            });
        }
        finally
        {
            await CleanUpAsync(servers, second, broken);
        }
    }

    /// <summary>Runs the checks; when they fail, prints all the recovering Cloner said.</summary>
    private async Task RunShowingAllOutputAsync(ClonerHost host, Func<Task> checks)
    {
        try
        {
            await checks();
        }
        catch
        {
            output.WriteLine($"--- output of the recovering Cloner (pid {host.Pid}) ---");
            foreach (var line in host.OutputSince(0))
            {
                output.WriteLine(line);
            }

            throw;
        }
    }

    /// <summary>
    /// Starts a Cloner that kills itself after the step, makes it run the operation on the
    /// broken clone, sees it die and answers what was left of the clone.
    /// </summary>
    private async Task<CloneTraces> KillAsync(
        LiveServers servers, string operation, string step, string broken)
    {
        await using var host = await data.StartAsync(servers, $"{operation}:{step}");
        await host.RunAsync(output, async () =>
        {
            using var api = await data.SignInAsync(host);
            if (operation == Operations.Delete)
            {
                await api.CreateSampleAsync(broken);
            }

            var mark = host.OutputMark;
            try
            {
                using var answer = operation == Operations.Create
                    ? await api.CreateAsync(ClonerApi.SampleRequest(broken))
                    : await api.DeleteAsync(broken);
                Assert.Fail($"{operation} of {broken} answered {(int)answer.StatusCode}; " +
                    "Cloner should have been killed before answering");
            }
            catch (HttpRequestException)
            {
                // Cloner died while the request ran: the connection closed without an answer.
            }

            var deadline = DateTime.UtcNow + s_deathTimeout;
            while (!host.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            var said = host.OutputSince(mark);
            Assert.True(host.HasExited, $"Cloner {host.Pid} is still alive after the {operation}");
            Assert.True(
                said.Any(l => l.Contains("Fault injection: SIGKILL", StringComparison.Ordinal)),
                "Cloner exited without the fault-injection line; its output:\n"
                + string.Join('\n', said));
        });

        return await CloneTraces.TakeAsync(data.DataDir, data.ClonesRoot, servers, broken);
    }

    private async Task<CloneTraces> CheckGoneAsync(
        ClonerApi api, LiveServers servers, string broken)
    {
        Assert.Equal(HttpStatusCode.NotFound, await api.GetCloneStatusAsync(broken));
        var after = await CloneTraces.TakeSettledAsync(
            data.DataDir, data.ClonesRoot, servers, broken);
        Assert.True(after.None, $"left of {broken} after recovery: {after}");
        return after;
    }

    private async Task<CloneTraces> CheckKeptWholeAsync(
        ClonerApi api, LiveServers servers, string broken)
    {
        var clone = await api.GetCloneAsync(broken);
        Assert.Equal(nameof(CloneStatus.Ready), clone.GetProperty("status").GetString(),
            StringComparer.OrdinalIgnoreCase);
        await api.WaitForStateAsync(broken, "bot", "Running");
        var after = await CloneTraces.TakeAsync(data.DataDir, data.ClonesRoot, servers, broken);
        Assert.True(after is { Database: true, User: true, Folder: true, Vhost: true, Claims: 3 },
            $"{broken} finished every create step but after recovery has only: {after}");
        Assert.True(after.Processes == 1,
            $"{broken} should run its bot only, runs {after.Processes} processes");
        return after;
    }

    private async Task CheckOtherKeptAsync(
        ClonerApi api, LiveServers servers, string other, int port)
    {
        var clone = await api.GetCloneAsync(other);
        Assert.Equal(nameof(CloneStatus.Ready), clone.GetProperty("status").GetString(),
            StringComparer.OrdinalIgnoreCase);
        var traces = await CloneTraces.TakeAsync(data.DataDir, data.ClonesRoot, servers, other);
        Assert.True(traces is { Database: true, User: true, Folder: true, Vhost: true, Claims: 3 },
            $"the other clone {other} lost something in recovery; it has: {traces}");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await AnswersAsync(http, $"http://127.0.0.1:{port}/health", other);
        await AnswersAsync(http, servers.NginxUrl($"/{other}/health"), other);
    }

    /// <summary>
    /// The bot may have died of its broken stdout after the kill and be restarting, so this
    /// waits up to 30 s for a /health that names the clone.
    /// </summary>
    private static async Task AnswersAsync(HttpClient http, string url, string clone)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var last = "(no answer)";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var answer = await http.GetAsync(url);
                var text = await answer.Content.ReadAsStringAsync();
                if (answer.StatusCode == HttpStatusCode.OK
                    && HttpProbe.NamesValue(ClonerApi.Parse(text), clone))
                {
                    return;
                }

                last = $"{(int)answer.StatusCode} {text}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException
                or System.Text.Json.JsonException)
            {
                last = ex.Message;
            }

            await Task.Delay(500);
        }

        Assert.Fail($"{url} did not answer for {clone} within 30 s; last: {last}");
    }

    private async Task CleanUpAsync(LiveServers servers, ClonerHost? second, string broken)
    {
        try
        {
            second ??= await data.StartAsync(servers, killAfterStep: null);
            using var api = await data.SignInAsync(second);
            await api.DeleteIfPresentAsync(broken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException)
        {
            output.WriteLine($"clean-up of {broken} failed: {ex.Message}");
        }
        finally
        {
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }
}
