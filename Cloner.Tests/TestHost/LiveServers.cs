namespace Cloner.Tests.TestHost;

/// <summary>
/// The private MariaDB and nginx that <c>scripts/test-servers.sh</c> starts, both at once, as
/// seen through the environment it writes. An end-to-end test needs all of them, so it skips
/// naming the first missing variable.
/// </summary>
public sealed record LiveServers(
    string MySqlAdmin,
    string MySqlHost,
    int MySqlPort,
    string MySqlClientHost,
    int NginxPort,
    string NginxVhosts,
    string NginxTestCommand,
    string NginxReloadCommand,
    string NginxPidFile)
{
    public static readonly string[] Variables =
    [
        "CLONER_TEST_MYSQL_ADMIN",
        "CLONER_TEST_MYSQL_HOST",
        "CLONER_TEST_MYSQL_PORT",
        "CLONER_TEST_MYSQL_CLIENT_HOST",
        "CLONER_TEST_NGINX_PORT",
        "CLONER_TEST_NGINX_VHOSTS",
        "CLONER_TEST_NGINX_TEST_COMMAND",
        "CLONER_TEST_NGINX_RELOAD_COMMAND",
        "CLONER_TEST_NGINX_PID_FILE",
    ];

    /// <summary>The servers, or a skip naming the first missing variable.</summary>
    public static LiveServers Require()
    {
        var missing = Variables.FirstOrDefault(v => string.IsNullOrEmpty(Get(v)));
        Skip.If(missing is not null,
            $"{missing} is not set; run scripts/test.sh, or start the servers with " +
            "scripts/test-servers.sh start DIR and source DIR/env");

        return new LiveServers(
            Get("CLONER_TEST_MYSQL_ADMIN")!,
            Get("CLONER_TEST_MYSQL_HOST")!,
            int.Parse(Get("CLONER_TEST_MYSQL_PORT")!,
                System.Globalization.CultureInfo.InvariantCulture),
            Get("CLONER_TEST_MYSQL_CLIENT_HOST")!,
            int.Parse(Get("CLONER_TEST_NGINX_PORT")!,
                System.Globalization.CultureInfo.InvariantCulture),
            Get("CLONER_TEST_NGINX_VHOSTS")!,
            Get("CLONER_TEST_NGINX_TEST_COMMAND")!,
            Get("CLONER_TEST_NGINX_RELOAD_COMMAND")!,
            Get("CLONER_TEST_NGINX_PID_FILE")!);
    }

    /// <summary>The Chromium the browser tests drive, or a skip naming the variable.</summary>
    public static string RequireChromium()
    {
        var path = Get("CLONER_TEST_CHROMIUM");
        Skip.If(string.IsNullOrEmpty(path),
            "CLONER_TEST_CHROMIUM is not set; run scripts/test.sh");
        Skip.IfNot(File.Exists(path), $"CLONER_TEST_CHROMIUM names {path}, which does not exist");
        return path!;
    }

    public string NginxUrl(string path) => $"http://127.0.0.1:{NginxPort}{path}";

    /// <summary>The pid of the private nginx master, read from its pid file.</summary>
    public int NginxMasterPid() =>
        int.Parse(File.ReadAllText(NginxPidFile).Trim(),
            System.Globalization.CultureInfo.InvariantCulture);

    private static string? Get(string name) => Environment.GetEnvironmentVariable(name);
}
