using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cloner.Domain.Clones;
using Cloner.Tests.TestHost;
using MySqlConnector;
using Xunit.Abstractions;

namespace Cloner.Tests.EndToEnd;

/// <summary>
/// Creating bot1 makes every part of a clone for real; deleting it takes all of it away.
/// </summary>
[Collection(ClonerServersCollection.Name)]
public sealed class CloneLifecycleTests(SharedCloner shared, ITestOutputHelper output)
{
    private const string Token = "e2e-lifecycle-token-0123456789";

    [SkippableFact]
    public async Task CreateThenDelete_Bot1_EverythingExistsThenNothingIsLeft()
    {
        var servers = LiveServers.Require();
        var host = await shared.GetAsync(servers);
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();
            var mysql = new MySqlProbe(servers);
            await api.DeleteIfPresentAsync("bot1");

            using var created = await api.CreateAsync(ClonerApi.SampleRequest("bot1", Token));
            var body = await created.Content.ReadAsStringAsync();
            Assert.True(created.StatusCode == HttpStatusCode.Created,
                $"create bot1: {created.StatusCode} {body}");
            Assert.DoesNotContain(Token, body, StringComparison.Ordinal);
            var clone = ClonerApi.Parse(body);
            var ports = new[] { "http", "vk", "websocket" }
                .ToDictionary(s => s, s => ClonerApi.Port(clone, s));

            var env = await CheckFolderAndEnvAsync(host, ports["http"]);
            await CheckDatabaseAsync(mysql, env);
            Assert.True(File.Exists(Path.Combine(servers.NginxVhosts, "bot1.conf")),
                "the vhost bot1.conf is missing");

            var bot = await api.WaitForStateAsync("bot1", "bot", "Running");
            await CheckServedThroughNginxAsync(servers);
            await CheckEnvReadBackAsync(ports["http"], env);
            CheckProcess(bot.GetProperty("pid").GetInt32());
            await CheckClaimsAsync(host, ports);
            await CheckNoSecretShownAsync(api, host, env);

            await api.DeleteOkAsync("bot1");

            Assert.Equal(HttpStatusCode.NotFound, await api.GetCloneStatusAsync("bot1"));
            Assert.False(await mysql.DatabaseExistsAsync("bot1"), "database bot1 is still there");
            Assert.Equal(0, await mysql.UserCountAsync("bot1"));
            Assert.False(Directory.Exists(Path.Combine(host.ClonesRoot, "bot1")),
                "folder bot1 is still there");
            Assert.False(File.Exists(Path.Combine(servers.NginxVhosts, "bot1.conf")),
                "vhost bot1.conf is still there");
            using var http = new HttpClient();
            using var gone = await http.GetAsync(servers.NginxUrl("/bot1/health"));
            Assert.NotEqual(HttpStatusCode.OK, gone.StatusCode);
            Assert.DoesNotContain(await Footprint.PortClaimsAsync(host),
                c => c.CloneName == "bot1");
            var alive = await ProcFs.WaitNoneOfCloneAsync("bot1", TimeSpan.FromSeconds(5));
            Assert.True(alive.Count == 0,
                "processes of bot1 still alive: " + ProcFs.Describe(alive));
        });
    }

    [SkippableFact]
    public async Task CreateThenDeleteAtOnce_FiveTimes_NoProcessOfTheCloneLeft()
    {
        var servers = LiveServers.Require();
        var host = await shared.GetAsync(servers);
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();
            const string name = "quick1";
            await api.DeleteIfPresentAsync(name);
            for (var round = 1; round <= 5; round++)
            {
                await api.CreateSampleAsync(name);
                await api.DeleteOkAsync(name);

                await Task.Delay(TimeSpan.FromSeconds(2));
                var alive = ProcFs.PidsOfClone(name);
                Assert.True(alive.Count == 0,
                    $"round {round}: alive after delete: " + ProcFs.Describe(alive));
            }
        });
    }

    /// <summary>The token and the database password are in no answer and no log line.</summary>
    private static async Task CheckNoSecretShownAsync(
        ClonerApi api,
        ClonerHost host,
        Dictionary<string, string> env)
    {
        var secrets = new[] { Token, env["DB_PASSWORD"] };
        var shown = new List<string>
        {
            (await api.GetCloneAsync("bot1")).GetRawText(),
            await api.Http.GetStringAsync("api/clones"),
            await api.Http.GetStringAsync("api/clones/bot1/components/bot/logs?tail=200"),
            string.Join('\n', host.OutputSince(0)),
        };
        var logs = Path.Combine(host.DataDir, "logs");
        // Each svlogd relay holds an exclusive flock on the empty lock file of its folder,
        // which a .NET read (a shared flock) cannot open while it runs.
        shown.AddRange(Directory.GetFiles(logs, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "lock")
            .Select(ReadShared));

        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(shown, text => text.Contains(secret, StringComparison.Ordinal));
        }
    }

    private static string ReadShared(string path)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read,
            FileShare.ReadWrite | FileShare.Delete));
        return reader.ReadToEnd();
    }

    private static async Task<Dictionary<string, string>> CheckFolderAndEnvAsync(
        ClonerHost host,
        int httpPort)
    {
        var folder = Path.Combine(host.ClonesRoot, "bot1");
        Assert.True(File.Exists(Path.Combine(folder, "bot.py")), $"{folder}/bot.py is missing");
        var envPath = Path.Combine(folder, ".env");
        var mode = OperatingSystem.IsWindows()
            ? throw new PlatformNotSupportedException("clones live on Linux")
            : File.GetUnixFileMode(envPath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);

        var env = EnvFile.Parse(await File.ReadAllTextAsync(envPath))
            .ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal(Token, env["BOT_TOKEN"]);
        Assert.Equal(httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            env["PORT"]);
        Assert.Equal("session-bot1", env["SESSION_ID"]);
        Assert.Equal("second session", env["SESSION_ID2"]);
        Assert.Equal("bot1", env["DB_NAME"]);
        Assert.Equal("bot1", env["DB_USER"]);
        Assert.True(env["DB_PASSWORD"].Length >= 32,
            "the database password is shorter than 32 characters");
        return env;
    }

    private static async Task CheckDatabaseAsync(MySqlProbe mysql, Dictionary<string, string> env)
    {
        Assert.True(await mysql.DatabaseExistsAsync("bot1"), "database bot1 is missing");
        Assert.Equal(1, await mysql.UserCountAsync("bot1"));
        Assert.True(await mysql.TableCountAsync("bot1") > 0, "the schema made no table in bot1");
        await mysql.ExecuteAsAdminAsync("CREATE DATABASE IF NOT EXISTS e2e_other");

        await using var connection = await mysql.ConnectAsAsync("bot1", env["DB_PASSWORD"],
            "bot1");
        var visible = await MySqlProbe.ColumnAsync(connection, "SHOW DATABASES");
        Assert.Equal(["bot1", "information_schema"], visible.Order(StringComparer.Ordinal));
        await using (var create = new MySqlCommand("CREATE TABLE e2e_probe (id INT)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        foreach (var forbidden in new[]
        {
            "CREATE DATABASE e2e_not_allowed",
            "CREATE TABLE e2e_other.intruder (id INT)",
            "SELECT COUNT(*) FROM mysql.user",
        })
        {
            await using var command = new MySqlCommand(forbidden, connection);
            await Assert.ThrowsAsync<MySqlException>(() => command.ExecuteNonQueryAsync());
        }
    }

    private static async Task CheckServedThroughNginxAsync(LiveServers servers)
    {
        using var http = new HttpClient();
        var (status, text) = await HttpProbe.RetryGetAsync(http, servers.NginxUrl("/bot1/health"));
        Assert.True(status == HttpStatusCode.OK, $"nginx /bot1/health answered {status}: {text}");
        var health = ClonerApi.Parse(text);
        Assert.True(HttpProbe.NamesValue(health, "bot1"),
            $"/bot1/health does not name bot1: {text}");
    }

    private static async Task CheckEnvReadBackAsync(int httpPort, Dictionary<string, string> env)
    {
        using var http = new HttpClient();
        var (status, text) = await HttpProbe.RetryGetAsync(http,
            $"http://127.0.0.1:{httpPort}/env");
        Assert.True(status == HttpStatusCode.OK, $"GET /env answered {status}: {text}");
        var hashes = ClonerApi.Parse(text);
        foreach (var (key, value) in env)
        {
            Assert.True(hashes.TryGetProperty(key, out var hash),
                $"the bot did not read {key}: {text}");
            var expected =
                Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
            Assert.True(expected == hash.GetString(),
                $"the bot read {key} differently from the .env file");
        }
    }

    private static void CheckProcess(int pid)
    {
        Assert.True(ProcFs.IsAlive(pid), $"the bot's pid {pid} is not alive");
        var environ = ProcFs.Environ(pid);
        Assert.Equal("bot1", environ.GetValueOrDefault("CLONER_CLONE"));
        Assert.Equal("bot", environ.GetValueOrDefault("CLONER_COMPONENT"));
        Assert.Contains(pid, ProcFs.PidsOfClone("bot1"));
    }

    private static async Task CheckClaimsAsync(ClonerHost host, Dictionary<string, int> ports)
    {
        var claims = (await Footprint.PortClaimsAsync(host)).Where(c => c.CloneName == "bot1")
            .ToDictionary(c => c.Slot, c => c.Port);
        Assert.Equal(ports.OrderBy(p => p.Key), claims.OrderBy(p => p.Key));
    }
}
