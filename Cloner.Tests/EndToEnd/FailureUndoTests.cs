using System.Net;
using Cloner.Tests.TestHost;
using Xunit.Abstractions;

namespace Cloner.Tests.EndToEnd;

/// <summary>
/// A step that fails undoes the steps before it: 422, the step named, nothing left.
/// </summary>
[Collection(ClonerServersCollection.Name)]
public sealed class FailureUndoTests(SharedCloner shared, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Create_MySqlUnreachable_422AtDatabaseAndNothingLeft()
    {
        var servers = LiveServers.Require();
        const string password = "e2e-unreachable-secret-password";
        var closedPort = ClonerHost.FreePort();
        await using var host = await ClonerHost.StartAsync(servers, env =>
            env["ConnectionStrings__MySqlAdmin"] =
                $"Server=127.0.0.1;Port={closedPort};User ID=root;Password={password};" +
                "Connection Timeout=3");
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();
            var before = await Footprint.TakeAsync(host, api, null);

            using var answer = await api.CreateAsync(ClonerApi.SampleRequest("unreach1"));
            var body = await answer.Content.ReadAsStringAsync();

            ExpectFailedStep(answer, body, "database");
            Assert.DoesNotContain(password, body, StringComparison.Ordinal);
            Assert.Equal(before, await Footprint.TakeAsync(host, api, null));
            Assert.False(File.Exists(Path.Combine(servers.NginxVhosts, "unreach1.conf")));
            Assert.DoesNotContain(password, string.Join('\n', host.OutputSince(0)),
                StringComparison.Ordinal);
        });
    }

    [SkippableFact]
    public async Task Create_SchemaFailingHalfWay_422AtSchemaAndDatabaseGone()
    {
        var servers = LiveServers.Require();
        var host = await shared.GetAsync(servers);
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();
            var before = await Footprint.TakeAsync(host, api, servers);

            using var answer = await api.CreateAsync(new
            {
                blueprint = "halfschema",
                name = "half1",
                inputs = new Dictionary<string, string>(),
            });
            var body = await answer.Content.ReadAsStringAsync();

            ExpectFailedStep(answer, body, "schema");
            Assert.Equal(before, await Footprint.TakeAsync(host, api, servers));
            var mysql = new MySqlProbe(servers);
            Assert.False(await mysql.DatabaseExistsAsync("half1"), "database half1 was left");
            Assert.Equal(0, await mysql.UserCountAsync("half1"));
            Assert.Equal(HttpStatusCode.NotFound, await api.GetCloneStatusAsync("half1"));
        });
    }

    [SkippableFact]
    public async Task Create_NginxTestFailing_422AtRouteVhostGoneOthersServedNginxRunning()
    {
        var servers = LiveServers.Require();
        var host = await shared.GetAsync(servers);
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();
            await api.DeleteIfPresentAsync("keep1");
            try
            {
                await api.CreateSampleAsync("keep1");
                await api.WaitForStateAsync("keep1", "bot", "Running");
                using var http = new HttpClient();
                var (status, _) = await HttpProbe.RetryGetAsync(http,
                    servers.NginxUrl("/keep1/health"));
                Assert.Equal(HttpStatusCode.OK, status);
                var nginxPid = servers.NginxMasterPid();
                var before = await Footprint.TakeAsync(host, api, servers);

                using var answer = await api.CreateAsync(new
                {
                    blueprint = "badnginx",
                    name = "badngx1",
                    inputs = new Dictionary<string, string>(),
                });
                var body = await answer.Content.ReadAsStringAsync();

                ExpectFailedStep(answer, body, "route");
                Assert.Equal(before, await Footprint.TakeAsync(host, api, servers));
                Assert.Empty(Directory.GetFiles(servers.NginxVhosts, "*badngx1*"));
                Assert.Empty(Directory.GetFiles(servers.NginxVhosts, ".*badngx1*"));
                Assert.True(ProcFs.IsAlive(nginxPid), $"nginx master {nginxPid} is gone");
                Assert.Equal(nginxPid, servers.NginxMasterPid());
                using var still = await http.GetAsync(servers.NginxUrl("/keep1/health"));
                Assert.Equal(HttpStatusCode.OK, still.StatusCode);
                using var alive = await http.GetAsync(servers.NginxUrl("/nginx-alive"));
                Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
            }
            finally
            {
                await api.DeleteIfPresentAsync("keep1");
            }
        });
    }

    private static void ExpectFailedStep(HttpResponseMessage answer, string body, string step)
    {
        Assert.True(answer.StatusCode == HttpStatusCode.UnprocessableEntity,
            $"expected 422 at {step}, got {(int)answer.StatusCode}: {body}");
        var problem = ClonerApi.Parse(body);
        Assert.True(problem.TryGetProperty("failedStep", out var failed),
            $"no failedStep: {body}");
        Assert.Equal(step, failed.GetString());
        Assert.True(problem.TryGetProperty("reason", out var reason)
            && reason.GetString() is { Length: > 0 }, $"no reason: {body}");
    }
}
