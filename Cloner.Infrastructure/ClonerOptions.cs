using Cloner.Infrastructure.Provisioning;
using Microsoft.Extensions.Configuration;

namespace Cloner.Infrastructure;

/// <summary>
/// Cloner's settings, read once at start from configuration (appsettings.json or
/// <c>Cloner__X__Y</c> environment variables), with relative paths made absolute against the
/// folder Cloner was started in. A setting that is wrong stops the start with a message that
/// names its key.
/// </summary>
public sealed class ClonerOptions
{
    public string PathBase { get; init; } = "/ego1/cloner";

    public required string DataDir { get; init; }

    public required string ClonesRoot { get; init; }

    public required string BlueprintsDir { get; init; }

    public string LogsDir => Path.Combine(DataDir, "logs");

    /// <summary>The account that may create databases and users; null skips the database steps.</summary>
    public string? MySqlAdminConnectionString { get; init; }

    /// <summary>The host part of the MySQL users Cloner creates.</summary>
    public string MySqlClientHost { get; init; } = "localhost";

    /// <summary>The folder nginx includes clone vhosts from; null skips the route steps.</summary>
    public string? NginxVhostsDir { get; init; }

    public string NginxTestCommand { get; init; } = "nginx -t";

    public string NginxReloadCommand { get; init; } = "nginx -s reload";

    /// <summary>How long the nginx test or reload command may run before it is killed.</summary>
    public TimeSpan NginxCommandTimeout { get; init; } = ExternalCommand.DefaultTimeout;

    /// <summary>Set means the MongoDB store; null means the embedded SQLite store.</summary>
    public string? MongoConnectionString { get; init; }

    public string? AdminUserName { get; init; }

    public string? AdminPassword { get; init; }

    /// <summary>How many recent lines each component keeps in memory for the live view.</summary>
    public int LogRingLines { get; init; } = 10_000;

    /// <summary>Whether stopping Cloner stops the components too (by default they keep running).</summary>
    public bool StopComponentsOnShutdown { get; init; }

    /// <summary>Test only: kills Cloner after this step, like create:files.</summary>
    public string? FaultInjectionKillAfterStep { get; init; }

    public static ClonerOptions FromConfiguration(IConfiguration configuration, string startFolder)
    {
        var section = configuration.GetSection("Cloner");
        var pathBase = section["PathBase"] ?? "/ego1/cloner";
        if (!pathBase.StartsWith('/') || pathBase.EndsWith('/') || pathBase.Contains("//", StringComparison.Ordinal))
        {
            throw new ClonerConfigurationException("Cloner:PathBase",
                $"'{pathBase}' must start with '/' and not end with '/', like /ego1/cloner");
        }

        var dataDir = Absolute(startFolder, section["DataDir"] ?? "./data", "Cloner:DataDir");
        var clonesRoot = Absolute(startFolder,
            section["ClonesRoot"] ?? Path.Combine(dataDir, "bots"), "Cloner:ClonesRoot");
        var blueprintsDir = Absolute(startFolder,
            section["BlueprintsDir"] ?? "samples/blueprints", "Cloner:BlueprintsDir");

        var vhosts = section["Nginx:VhostsDir"];
        var options = new ClonerOptions
        {
            PathBase = pathBase,
            DataDir = dataDir,
            ClonesRoot = clonesRoot,
            BlueprintsDir = blueprintsDir,
            MySqlAdminConnectionString = Blank(configuration.GetConnectionString("MySqlAdmin")),
            MySqlClientHost = section["MySql:ClientHost"] ?? "localhost",
            NginxVhostsDir = Blank(vhosts) is { } v ? Absolute(startFolder, v, "Cloner:Nginx:VhostsDir") : null,
            NginxTestCommand = section["Nginx:TestCommand"] ?? "nginx -t",
            NginxReloadCommand = section["Nginx:ReloadCommand"] ?? "nginx -s reload",
            NginxCommandTimeout = Seconds(section, "Nginx:CommandTimeoutSeconds",
                ExternalCommand.DefaultTimeout, 3600),
            MongoConnectionString = Blank(configuration.GetConnectionString("Mongo")),
            AdminUserName = Blank(section["Admin:UserName"]),
            AdminPassword = Blank(section["Admin:Password"]),
            LogRingLines = Int(section, "LogRingLines", 10_000, 100, 1_000_000),
            StopComponentsOnShutdown = Bool(section, "StopComponentsOnShutdown", false),
            FaultInjectionKillAfterStep =
                FaultInjection.Checked(section["FaultInjection:KillAfterStep"]),
        };

        if (options.MySqlClientHost.Length is 0 or > 255
            || options.MySqlClientHost.IndexOfAny(['\'', '`', '\\', '"', '\n', '\r', '\0']) >= 0)
        {
            throw new ClonerConfigurationException("Cloner:MySql:ClientHost",
                $"'{options.MySqlClientHost}' is not a host name MySQL accepts, such as localhost or 127.0.0.1");
        }

        if ((options.AdminUserName is null) != (options.AdminPassword is null))
        {
            throw new ClonerConfigurationException(
                options.AdminUserName is null ? "Cloner:Admin:UserName" : "Cloner:Admin:Password",
                "Cloner:Admin:UserName and Cloner:Admin:Password must be set together");
        }

        return options;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string Absolute(string startFolder, string path, string key)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0'))
        {
            throw new ClonerConfigurationException(key, "must be a folder path");
        }

        return Path.GetFullPath(Path.Combine(startFolder, path));
    }

    private static int Int(IConfigurationSection section, string key, int fallback, int min, int max)
    {
        var text = section[key];
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value)
            && value >= min && value <= max
            ? value
            : throw new ClonerConfigurationException($"Cloner:{key}",
                $"'{text}' must be a whole number from {min} to {max}");
    }

    private static TimeSpan Seconds(
        IConfigurationSection section,
        string key,
        TimeSpan fallback,
        int max)
    {
        var text = section[key];
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            && seconds >= 1 && seconds <= max
            ? TimeSpan.FromSeconds(seconds)
            : throw new ClonerConfigurationException($"Cloner:{key}",
                $"'{text}' must be a whole number of seconds from 1 to {max}, " +
                $"like {fallback.TotalSeconds:0}");
    }

    private static bool Bool(IConfigurationSection section, string key, bool fallback)
    {
        var text = section[key];
        if (text is null)
        {
            return fallback;
        }

        return bool.TryParse(text, out var value)
            ? value
            : throw new ClonerConfigurationException($"Cloner:{key}", $"'{text}' must be true or false");
    }
}

/// <summary>A setting is wrong; the message names its key and says what it should be.</summary>
public sealed class ClonerConfigurationException(string key, string problem)
    : Exception($"Setting {key} is not valid: {problem}")
{
    public string Key { get; } = key;
}
