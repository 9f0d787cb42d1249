using System.Net;
using Cloner.Tests.TestHost;
using MySqlConnector;
using Xunit.Abstractions;

namespace Cloner.Tests.Recovery;

/// <summary>
/// Faults under a running Cloner that must end in a clear state and message while Cloner
/// keeps serving: a command that does not exist, a clone folder removed under a running
/// clone, MySQL going away during a delete.
/// </summary>
[Collection(ClonerServersCollection.Name)]
public sealed class FaultTests(SharedCloner shared, ITestOutputHelper output)
{
    private const string MissingCommand = "no-such-command-of-cloner-tests";

    private static readonly string s_tag =
        string.Concat(Enumerable.Range(0, 4).Select(_ => (char)('a' + Random.Shared.Next(26))));

    [SkippableFact]
    public async Task StartComponent_CommandDoesNotExist_FatalNamingTheCommandOthersKeepRunning()
    {
        var servers = LiveServers.Require();
        var host = await shared.GetAsync(servers);
        var name = $"rf{s_tag}g";
        WriteGhostBlueprint(host, "ghostcmd", ghostAutostart: false);
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();
            try
            {
                using var created = await api.CreateAsync(GhostRequest("ghostcmd", name));
                await ClonerApi.ExpectAsync(created, HttpStatusCode.Created, $"create {name}");

                var ghost = await api.ComponentOkAsync(name, "ghost", "start");

                Assert.Equal("Fatal", ghost.GetProperty("state").GetString());
                var message = ghost.GetProperty("message").GetString() ?? "";
                Assert.Contains(MissingCommand, message, StringComparison.Ordinal);
                Assert.Contains("not found", message, StringComparison.Ordinal);
                await api.WaitForStateAsync(name, "idle", "Running");
                await CheckServingAsync(api);
            }
            finally
            {
                await api.DeleteIfPresentAsync(name);
            }

            await CloneTraces.AssertNoneLeftAsync(host, servers, name, "its delete");
        });
    }

    [SkippableFact]
    public async Task Create_AutostartCommandMissing_422AtStartNamingTheCommandNothingLeft()
    {
        var servers = LiveServers.Require();
        var host = await shared.GetAsync(servers);
        var name = $"rf{s_tag}a";
        WriteGhostBlueprint(host, "ghostauto", ghostAutostart: true);
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();

            using var created = await api.CreateAsync(GhostRequest("ghostauto", name));

            var problem = await ClonerApi.ExpectAsync(created, HttpStatusCode.UnprocessableEntity,
                $"create {name}");
            Assert.Equal("start", problem.GetProperty("failedStep").GetString());
            Assert.Contains(MissingCommand, problem.GetProperty("reason").GetString(),
                StringComparison.Ordinal);
            await CloneTraces.AssertNoneLeftAsync(host, servers, name, "the failed create");
            await CheckServingAsync(api);
        });
    }

    [SkippableFact]
    public async Task StartComponent_FolderRemovedUnderRunningClone_FatalSayingSoDeleteFinishes()
    {
        var servers = LiveServers.Require();
        var host = await shared.GetAsync(servers);
        var name = $"rf{s_tag}f";
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();
            try
            {
                await api.CreateSampleAsync(name);
                await api.WaitForStateAsync(name, "bot", "Running");

                Directory.Delete(Path.Combine(host.ClonesRoot, name), recursive: true);
                var vk = await api.ComponentOkAsync(name, "vk", "start");
                var bot = await api.ComponentOkAsync(name, "bot", "restart");

                foreach (var component in new[] { vk, bot })
                {
                    Assert.Equal("Fatal", component.GetProperty("state").GetString());
                    var message = component.GetProperty("message").GetString() ?? "";
                    Assert.Contains("does not exist", message, StringComparison.Ordinal);
                    Assert.Contains("delete the clone", message, StringComparison.Ordinal);
                }

                await CheckServingAsync(api);
                await api.DeleteOkAsync(name);
            }
            finally
            {
                await api.DeleteIfPresentAsync(name);
            }

            await CloneTraces.AssertNoneLeftAsync(host, servers, name, "its delete");
        });
    }

    [SkippableFact]
    public async Task Delete_MySqlGoesAway_FailsNamingTheDatabaseStepThenFinishesOnceBack()
    {
        var servers = LiveServers.Require();
        await using var relay = new TcpRelay(servers.MySqlHost, servers.MySqlPort);
        var relayed = new MySqlConnectionStringBuilder(servers.MySqlAdmin)
        {
            Server = "127.0.0.1",
            Port = (uint)relay.Port,
        }.ConnectionString;
        await using var host = await ClonerHost.StartAsync(servers,
            env => env["ConnectionStrings__MySqlAdmin"] = relayed);
        var name = $"rf{s_tag}m";
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();
            try
            {
                await api.CreateSampleAsync(name);
                await relay.StopAsync();

                using var failed = await api.DeleteAsync(name);

                var problem = await ClonerApi.ExpectAsync(failed,
                    HttpStatusCode.InternalServerError, $"delete {name} without MySQL");
                Assert.Equal("database", problem.GetProperty("failedStep").GetString());
                var clone = await api.GetCloneAsync(name);
                Assert.Equal("Failed", clone.GetProperty("status").GetString());
                Assert.Contains("database", clone.GetProperty("statusReason").GetString(),
                    StringComparison.Ordinal);
                Assert.True(await new MySqlProbe(servers).DatabaseExistsAsync(name),
                    $"database {name} went away although MySQL was unreachable for Cloner");
                await CheckServingAsync(api);

                relay.Start();
                await api.DeleteOkAsync(name);
            }
            finally
            {
                await api.DeleteIfPresentAsync(name);
            }

            await CloneTraces.AssertNoneLeftAsync(host, servers, name, "the second delete");
        });
    }

    internal static async Task CheckServingAsync(ClonerApi api)
    {
        using var list = await api.Http.GetAsync("api/clones");
        await ClonerApi.ExpectAsync(list, HttpStatusCode.OK, "GET api/clones");
        using var health = await api.Http.GetAsync("healthz");
        await ClonerApi.ExpectAsync(health, HttpStatusCode.OK, "GET healthz");
    }

    private static object GhostRequest(string blueprint, string name) => new
    {
        blueprint,
        name,
        inputs = new Dictionary<string, string>(),
    };

    /// <summary>
    /// A blueprint with an idle Python component and one whose command is on no PATH. The
    /// catalog picks up a new folder on its next read.
    /// </summary>
    private static void WriteGhostBlueprint(ClonerHost host, string name, bool ghostAutostart)
    {
        var folder = Path.Combine(host.BlueprintsDir, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "idle.py"),
            "import signal, sys, time\n" +
            "signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))\n" +
            "while True:\n    time.sleep(1)\n");
        File.WriteAllText(Path.Combine(folder, "blueprint.yaml"), $$$"""
            name: {{{name}}}
            title: A component whose command does not exist
            clonePrefix: {{{name}}}
            inputs:
              - { key: note, label: Note, required: false }
            ports:
              http: { from: 24100, to: 24999 }
            env:
              PORT: "{{ ports.http }}"
            components:
              - name: idle
                command: python3
                args: [ "-u", "idle.py" ]
                autostart: {{{(ghostAutostart ? "false" : "true")}}}
              - name: ghost
                command: {{{MissingCommand}}}
                autostart: {{{(ghostAutostart ? "true" : "false")}}}
            """);
    }
}
