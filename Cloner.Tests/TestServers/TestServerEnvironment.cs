using Cloner.Infrastructure;

namespace Cloner.Tests.TestServers;

/// <summary>
/// The private MariaDB and nginx that <c>scripts/test-servers.sh start DIR</c> starts, as read
/// from the variables it writes to <c>DIR/env</c>. A test that needs a server calls
/// <see cref="SkipUnlessMySql"/> or <see cref="SkipUnlessNginx"/> first, so that without the
/// servers it is skipped with the name of the missing variable rather than failing.
/// </summary>
public static class TestServerEnvironment
{
    public const string MySqlAdminVariable = "CLONER_TEST_MYSQL_ADMIN";
    public const string MySqlHostVariable = "CLONER_TEST_MYSQL_HOST";
    public const string MySqlPortVariable = "CLONER_TEST_MYSQL_PORT";
    public const string MySqlClientHostVariable = "CLONER_TEST_MYSQL_CLIENT_HOST";
    public const string NginxPortVariable = "CLONER_TEST_NGINX_PORT";
    public const string NginxVhostsVariable = "CLONER_TEST_NGINX_VHOSTS";
    public const string NginxTestCommandVariable = "CLONER_TEST_NGINX_TEST_COMMAND";
    public const string NginxReloadCommandVariable = "CLONER_TEST_NGINX_RELOAD_COMMAND";
    public const string NginxPidFileVariable = "CLONER_TEST_NGINX_PID_FILE";

    private static readonly string[] _mySqlVariables =
        [MySqlAdminVariable, MySqlHostVariable, MySqlPortVariable, MySqlClientHostVariable];

    private static readonly string[] _nginxVariables =
    [
        NginxPortVariable,
        NginxVhostsVariable,
        NginxTestCommandVariable,
        NginxReloadCommandVariable,
        NginxPidFileVariable,
    ];

    /// <summary>The first MySQL variable that is not set, or null when all are.</summary>
    public static string? MissingMySql => FirstMissing(_mySqlVariables);

    /// <summary>The first nginx variable that is not set, or null when all are.</summary>
    public static string? MissingNginx => FirstMissing(_nginxVariables);

    /// <summary>A MySqlConnector connection string for an admin over TCP to 127.0.0.1.</summary>
    public static string MySqlAdmin => Required(MySqlAdminVariable);

    public static string MySqlHost => Required(MySqlHostVariable);

    public static int MySqlPort => int.Parse(Required(MySqlPortVariable),
        System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The host part a user needs so that a TCP client from 127.0.0.1 signs in as it.
    /// </summary>
    public static string MySqlClientHost => Required(MySqlClientHostVariable);

    public static int NginxPort => int.Parse(Required(NginxPortVariable),
        System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The folder the private nginx includes <c>*.conf</c> from, inside its server block.
    /// </summary>
    public static string NginxVhostsDir => Required(NginxVhostsVariable);

    /// <summary>
    /// The full <c>nginx -p ... -c ... -t</c> command line of the private nginx.
    /// </summary>
    public static string NginxTestCommand => Required(NginxTestCommandVariable);

    /// <summary>
    /// The full <c>nginx -p ... -c ... -s reload</c> command line of the private nginx.
    /// </summary>
    public static string NginxReloadCommand => Required(NginxReloadCommandVariable);

    public static string NginxPidFile => Required(NginxPidFileVariable);

    /// <summary>
    /// Where the private nginx serves: <c>http://127.0.0.1:port</c>, no trailing slash.
    /// </summary>
    public static Uri NginxBaseUri => new($"http://127.0.0.1:{NginxPort}");

    /// <summary>
    /// Skips the calling <c>[SkippableFact]</c> when a MySQL variable is missing.
    /// </summary>
    public static void SkipUnlessMySql() => SkipWhenMissing(MissingMySql);

    /// <summary>
    /// Skips the calling <c>[SkippableFact]</c> when an nginx variable is missing.
    /// </summary>
    public static void SkipUnlessNginx() => SkipWhenMissing(MissingNginx);

    /// <summary>
    /// Options for a Cloner under <paramref name="dataDir"/> that uses the test servers that are
    /// there: MySQL when its variables are set, nginx when its variables are set, each left
    /// unset (and so skipped by Cloner) otherwise.
    /// </summary>
    public static ClonerOptions Options(string dataDir, string blueprintsDir) => new()
    {
        DataDir = dataDir,
        ClonesRoot = Path.Combine(dataDir, "bots"),
        BlueprintsDir = blueprintsDir,
        MySqlAdminConnectionString = MissingMySql is null ? MySqlAdmin : null,
        MySqlClientHost = MissingMySql is null ? MySqlClientHost : "localhost",
        NginxVhostsDir = MissingNginx is null ? NginxVhostsDir : null,
        NginxTestCommand = MissingNginx is null ? NginxTestCommand : "nginx -t",
        NginxReloadCommand = MissingNginx is null ? NginxReloadCommand : "nginx -s reload",
    };

    private static void SkipWhenMissing(string? missing) => Skip.If(missing is not null,
        $"{missing} is not set; run `bash scripts/test-servers.sh start DIR`, " +
        "then `source DIR/env` before dotnet test");

    private static string? FirstMissing(IEnumerable<string> variables) =>
        variables.FirstOrDefault(v =>
            string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(v)));

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set; run `bash scripts/test-servers.sh start DIR` and " +
                "`source DIR/env`, or call SkipUnlessMySql/SkipUnlessNginx first");
}
