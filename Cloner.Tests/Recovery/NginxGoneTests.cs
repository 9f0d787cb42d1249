using System.Net;
using Cloner.Domain.Clones;
using Cloner.Tests.TestHost;
using Xunit.Abstractions;

namespace Cloner.Tests.Recovery;

/// <summary>
/// nginx going away under a running Cloner: stopped during a delete or a create, or a reload
/// command that hangs. Each test has a Cloner and an nginx of its own (see NginxInstance), so
/// the shared nginx of the other tests keeps running.
/// </summary>
[Collection(ClonerServersCollection.Name)]
public sealed class NginxGoneTests(ITestOutputHelper output)
{
    private const string NotRunning = "nginx is not running";
    private const string ReloadKey = "Cloner:Nginx:ReloadCommand";
    private const string TimeoutVariable = "Cloner__Nginx__CommandTimeoutSeconds";

    // Short enough that the hung reload fails soon, long enough for a real nginx -t or reload
    // on a loaded machine.
    private const int TimeoutSeconds = 10;

    private static readonly string s_tag =
        string.Concat(Enumerable.Range(0, 4).Select(_ => (char)('a' + Random.Shared.Next(26))));

    [SkippableFact]
    public async Task Delete_NginxStopped_FailsAtReloadSayingNginxIsDownThenFinishesOnceBack()
    {
        var shared = LiveServers.Require();
        await using var nginx = await NginxInstance.StartAsync();
        var servers = nginx.In(shared);
        await using var host = await ClonerHost.StartAsync(servers);
        var name = $"rn{s_tag}d";
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                await CreateServedAsync(api, http, nginx, name);
                await nginx.StopAsync();

                using var failed = await api.DeleteAsync(name);

                var problem = await ClonerApi.ExpectAsync(failed,
                    HttpStatusCode.InternalServerError, $"delete {name} without nginx");
                Assert.Equal("reload", problem.GetProperty("failedStep").GetString());
                var reason = problem.GetProperty("reason").GetString() ?? "";
                Assert.StartsWith(NotRunning, reason, StringComparison.Ordinal);
                Assert.Contains(ReloadKey, reason, StringComparison.Ordinal);
                Assert.Contains("start nginx", reason, StringComparison.Ordinal);
                var clone = await api.GetCloneAsync(name);
                Assert.Equal("Failed", clone.GetProperty("status").GetString());
                Assert.Contains(NotRunning, clone.GetProperty("statusReason").GetString(),
                    StringComparison.Ordinal);
                // The delete goes on past the reload: only the record is left.
                var half = await CloneTraces.TakeSettledAsync(
                    host.DataDir, host.ClonesRoot, servers, name);
                Assert.Equal(new CloneTraces(CloneStatus.Failed, 0, false, false, false, false, 0),
                    half);
                await FaultTests.CheckServingAsync(api);

                await nginx.StartAgainAsync();
                await api.DeleteOkAsync(name);

                var (gone, said) = await nginx.GetAfterReloadAsync($"/{name}/health");
                Assert.True(gone == HttpStatusCode.NotFound,
                    $"nginx still routes /{name}/ after the second delete: {(int)gone} {said}");
            }
            finally
            {
                await api.DeleteIfPresentAsync(name);
            }

            await CloneTraces.AssertNoneLeftAsync(host, servers, name, "the second delete");
        });
    }

    [SkippableFact]
    public async Task Create_NginxStopped_422AtReloadSayingNginxIsDownNothingLeft()
    {
        var shared = LiveServers.Require();
        await using var nginx = await NginxInstance.StartAsync();
        var servers = nginx.In(shared);
        await using var host = await ClonerHost.StartAsync(servers);
        var name = $"rn{s_tag}c";
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();
            await nginx.StopAsync();
            try
            {
                using var created = await api.CreateAsync(ClonerApi.SampleRequest(name));

                var problem = await ClonerApi.ExpectAsync(created,
                    HttpStatusCode.UnprocessableEntity, $"create {name} without nginx");
                Assert.Equal("reload", problem.GetProperty("failedStep").GetString());
                var reason = problem.GetProperty("reason").GetString() ?? "";
                Assert.StartsWith(NotRunning, reason, StringComparison.Ordinal);
                Assert.Contains(ReloadKey, reason, StringComparison.Ordinal);
                Assert.Equal(HttpStatusCode.NotFound, await api.GetCloneStatusAsync(name));
                await CloneTraces.AssertNoneLeftAsync(host, servers, name, "the failed create");
                Assert.Empty(Directory.GetFileSystemEntries(nginx.VhostsDir));
                Assert.False(nginx.IsRunning, "the failed create started nginx");
                await FaultTests.CheckServingAsync(api);
            }
            finally
            {
                await api.DeleteIfPresentAsync(name);
            }
        });
    }

    [SkippableFact]
    public async Task Delete_ReloadHangs_FailsNamingTheSettingAndTimeoutNextDeleteReloads()
    {
        var shared = LiveServers.Require();
        await using var nginx = await NginxInstance.StartAsync();
        var hang = Path.Combine(nginx.Root, "hang-the-reload");
        var servers = nginx.In(shared) with
        {
            // Sleeps past Cloner's command timeout (set short below) while the flag file exists.
            NginxReloadCommand =
                $"sh -c 'if [ -e \"$0\" ]; then sleep 90; fi; exec \"$@\"' {hang} " +
                nginx.ReloadCommand,
        };
        await using var host = await ClonerHost.StartAsync(servers,
            environment => environment[TimeoutVariable] = $"{TimeoutSeconds}");
        var name = $"rn{s_tag}h";
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                await CreateServedAsync(api, http, nginx, name);
                await File.WriteAllTextAsync(hang, "");

                using var failed = await api.DeleteAsync(name);

                var problem = await ClonerApi.ExpectAsync(failed,
                    HttpStatusCode.InternalServerError, $"delete {name} with a hung reload");
                Assert.Equal("reload", problem.GetProperty("failedStep").GetString());
                var reason = problem.GetProperty("reason").GetString() ?? "";
                Assert.Contains(ReloadKey, reason, StringComparison.Ordinal);
                Assert.Contains($"did not finish within {TimeoutSeconds} s", reason,
                    StringComparison.Ordinal);
                Assert.Contains("Cloner:Nginx:CommandTimeoutSeconds", reason,
                    StringComparison.Ordinal);
                Assert.DoesNotContain(NotRunning, reason, StringComparison.Ordinal);
                var clone = await api.GetCloneAsync(name);
                Assert.Equal("Failed", clone.GetProperty("status").GetString());
                // nginx never reloaded, so it still has the clone's location (now 502).
                using var stale = await http.GetAsync(nginx.Url($"/{name}/health"));
                Assert.NotEqual(HttpStatusCode.NotFound, stale.StatusCode);
                await FaultTests.CheckServingAsync(api);

                File.Delete(hang);
                await api.DeleteOkAsync(name);

                var (gone, said) = await nginx.GetAfterReloadAsync($"/{name}/health");
                Assert.True(gone == HttpStatusCode.NotFound,
                    $"nginx still routes /{name}/ after the second delete: {(int)gone} {said}");
            }
            finally
            {
                File.Delete(hang);
                await api.DeleteIfPresentAsync(name);
            }

            await CloneTraces.AssertNoneLeftAsync(host, servers, name, "the second delete");
        });
    }

    /// <summary>Creates a sample clone and waits until nginx routes to its bot.</summary>
    private static async Task CreateServedAsync(
        ClonerApi api, HttpClient http, NginxInstance nginx, string name)
    {
        await api.CreateSampleAsync(name);
        await api.WaitForStateAsync(name, "bot", "Running");
        var (served, _) = await HttpProbe.RetryGetAsync(http, nginx.Url($"/{name}/health"));
        Assert.Equal(HttpStatusCode.OK, served);
    }
}
