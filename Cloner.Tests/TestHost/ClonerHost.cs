using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace Cloner.Tests.TestHost;

/// <summary>
/// The real Cloner.Web, started as a separate process from its build output on a free port,
/// with its data, clone folders and blueprints in a temp folder and the test servers from the
/// environment. Keeps the process's output so a failing test can print it. Disposing stops
/// the process (SIGTERM, so it stops its components) and removes the temp folder.
/// </summary>
public sealed class ClonerHost : IAsyncDisposable
{
    public const string AdminUserName = "admin";

    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(40);

    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly Lock _outputLock = new();

    private ClonerHost(Process process, string root, int port, string adminPassword,
        string dataDir)
    {
        _process = process;
        Root = root;
        Port = port;
        AdminPassword = adminPassword;
        DataDir = dataDir;
    }

    public string Root { get; }

    public int Port { get; }

    public string AdminPassword { get; }

    /// <summary>The data folder Cloner was started with, the test's own when it set one.</summary>
    public string DataDir { get; }

    public string ClonesRoot => Path.Combine(Root, "bots");

    public string BlueprintsDir => Path.Combine(Root, "blueprints");

    public Uri BaseUri => new($"http://127.0.0.1:{Port}/ego1/cloner/");

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// How many output lines there are so far; pass it to <see cref="OutputSince"/>.
    /// </summary>
    public int OutputMark
    {
        get
        {
            lock (_outputLock)
            {
                return _output.Count;
            }
        }
    }

    /// <summary>
    /// Starts a Cloner. <paramref name="servers"/> null starts one without MySQL and nginx;
    /// <paramref name="configure"/> may change or remove (null value) any environment
    /// variable before the start. <paramref name="testBlueprints"/> false leaves only the
    /// sample blueprints, so the create dialog shows no blueprint picker.
    /// <paramref name="launchThrough"/> is a command and its arguments that run dotnet (such
    /// as unshare ... sh -c '...; exec "$@"' sh); it must exec it, so the pid stays Cloner's.
    /// </summary>
    public static async Task<ClonerHost> StartAsync(
        LiveServers? servers,
        Action<IDictionary<string, string?>>? configure = null,
        bool testBlueprints = true,
        IReadOnlyList<string>? launchThrough = null)
    {
        if (!File.Exists(RepoLayout.WebDll))
        {
            throw new InvalidOperationException(
                $"{RepoLayout.WebDll} is missing; build the solution first " +
                "(dotnet build Cloner.sln)");
        }

        var root = Directory.CreateTempSubdirectory("cloner-e2e-").FullName;
        CopyBlueprints(Path.Combine(root, "blueprints"), testBlueprints);
        var port = FreePort();
        var password = "Adm1n!" + Guid.NewGuid().ToString("N")[..12];
        var environment = Environment(root, password, servers);
        configure?.Invoke(environment);
        var dataDir = Path.GetFullPath(environment["Cloner__DataDir"]!, root);
        ProcFs.OwnDataDirs[dataDir] = true;

        var process = Launch(root, port, environment, launchThrough ?? []);
        var host = new ClonerHost(process, root, port, password, dataDir);
        process.OutputDataReceived += (_, e) => host.Append(e.Data, "out");
        process.ErrorDataReceived += (_, e) => host.Append(e.Data, "err");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await host.WaitHealthyAsync();
        }
        catch
        {
            var output = host.OutputSince(0);
            await host.DisposeAsync();
            throw new InvalidOperationException(
                "Cloner did not become healthy; its output:\n" + string.Join('\n', output));
        }

        return host;
    }

    public ClonerApi CreateClient() => new(BaseUri, AdminUserName, AdminPassword);

    public IReadOnlyList<string> OutputSince(int mark)
    {
        lock (_outputLock)
        {
            return _output.Skip(mark).ToList();
        }
    }

    /// <summary>
    /// Runs a test body; when it throws, writes Cloner's output since the body began to
    /// <paramref name="output"/> before passing the failure on.
    /// </summary>
    public async Task RunAsync(ITestOutputHelper output, Func<Task> body)
    {
        var mark = OutputMark;
        try
        {
            await body();
        }
        catch
        {
            output.WriteLine($"--- Cloner output (pid {Pid}, {Root}) ---");
            foreach (var line in OutputSince(mark))
            {
                output.WriteLine(line);
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signal(_process.Id, "TERM");
            using var timeout = new CancellationTokenSource(s_stopTimeout);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A component may still be writing a log; the temp folder is left for the OS.
        }
    }

    private static Dictionary<string, string?> Environment(
        string root,
        string password,
        LiveServers? servers)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Cloner__DataDir"] = Path.Combine(root, "data"),
            ["Cloner__ClonesRoot"] = Path.Combine(root, "bots"),
            ["Cloner__BlueprintsDir"] = Path.Combine(root, "blueprints"),
            ["Cloner__Admin__UserName"] = AdminUserName,
            ["Cloner__Admin__Password"] = password,
            ["Cloner__StopComponentsOnShutdown"] = "true",
        };

        if (servers is not null)
        {
            environment["ConnectionStrings__MySqlAdmin"] = servers.MySqlAdmin;
            environment["Cloner__MySql__ClientHost"] = servers.MySqlClientHost;
            environment["Cloner__Nginx__VhostsDir"] = servers.NginxVhosts;
            environment["Cloner__Nginx__TestCommand"] = servers.NginxTestCommand;
            environment["Cloner__Nginx__ReloadCommand"] = servers.NginxReloadCommand;
        }

        return environment;
    }

    private static Process Launch(
        string root,
        int port,
        Dictionary<string, string?> environment,
        IReadOnlyList<string> launchThrough)
    {
        var start = new ProcessStartInfo(launchThrough.Count > 0 ? launchThrough[0] : "dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in launchThrough.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        if (launchThrough.Count > 0)
        {
            start.ArgumentList.Add("dotnet");
        }

        start.ArgumentList.Add(RepoLayout.WebDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(RepoLayout.WebProject);

        foreach (var key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("Cloner__", StringComparison.Ordinal)
                || key.StartsWith("ConnectionStrings__", StringComparison.Ordinal)
                || key.StartsWith("ASPNETCORE_", StringComparison.Ordinal))
            {
                start.Environment.Remove(key);
            }
        }

        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        return Process.Start(start)
            ?? throw new InvalidOperationException("dotnet did not start");
    }

    private async Task WaitHealthyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + s_startTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"Cloner exited with code {_process.ExitCode}");
            }

            try
            {
                using var answer = await http.GetAsync(new Uri(BaseUri, "healthz"));
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"GET /healthz did not answer 200 within {s_startTimeout}");
    }

    private void Append(string? line, string stream)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            _output.Add($"{stream}: {line}");
        }
    }

    private static void CopyBlueprints(string target, bool testBlueprints)
    {
        var sources = testBlueprints
            ? new[] { RepoLayout.SampleBlueprints, RepoLayout.TestBlueprints }
            : [RepoLayout.SampleBlueprints];
        foreach (var source in sources)
        {
            if (!Directory.Exists(source))
            {
                continue;
            }

            foreach (var folder in Directory.GetDirectories(source))
            {
                CopyFolder(folder, Path.Combine(target, Path.GetFileName(folder)));
            }
        }
    }

    private static void CopyFolder(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        foreach (var folder in Directory.GetDirectories(source))
        {
            if (Path.GetFileName(folder) is not ("__pycache__" or "logs"))
            {
                CopyFolder(folder, Path.Combine(target, Path.GetFileName(folder)));
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Sends a signal by name (TERM, KILL) through kill(1), without a shell.</summary>
    public static void Signal(int pid, string signal)
    {
        var start = new ProcessStartInfo("kill") { UseShellExecute = false };
        start.ArgumentList.Add("-" + signal);
        start.ArgumentList.Add(pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var kill = Process.Start(start);
        kill?.WaitForExit();
    }
}
