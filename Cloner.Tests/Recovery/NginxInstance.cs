using System.Diagnostics;
using System.Globalization;
using System.Net;
using Cloner.Tests.TestHost;

namespace Cloner.Tests.Recovery;

/// <summary>
/// A private nginx of one test, in its own temp folder on its own 127.0.0.1 port, with the
/// same layout as the one of scripts/test-servers.sh (a server that includes the vhosts
/// folder, and <c>/nginx-alive</c>). The test stops and starts it at will, so nginx "goes
/// away" for its Cloner without disturbing the shared nginx of the other tests.
/// </summary>
public sealed class NginxInstance : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/nginx";

    private static readonly TimeSpan s_settle = TimeSpan.FromSeconds(10);

    private NginxInstance(string root, int port)
    {
        Root = root;
        Port = port;
    }

    public string Root { get; }

    public int Port { get; }

    public string VhostsDir => Path.Combine(Root, "vhosts");

    public string PidFile => Path.Combine(Root, "nginx.pid");

    private string ConfigFile => Path.Combine(Root, "nginx.conf");

    private string ErrorLog => Path.Combine(Root, "error.log");

    /// <summary>The command line without its action, as Cloner's settings take it.</summary>
    public string CommandLine => $"{Binary} -p {Root} -e {ErrorLog} -c {ConfigFile}";

    public string TestCommand => CommandLine + " -t";

    public string ReloadCommand => CommandLine + " -s reload";

    public bool IsRunning => MasterPid() is { } pid && ProcFs.IsAlive(pid);

    /// <summary>Writes the configuration and starts nginx; skips when nginx is missing.</summary>
    public static async Task<NginxInstance> StartAsync()
    {
        Skip.IfNot(File.Exists(Binary), $"{Binary} is missing; install nginx-light");
        var root = Directory.CreateTempSubdirectory("cloner-nginx-").FullName;
        var nginx = new NginxInstance(root, ClonerHost.FreePort());
        Directory.CreateDirectory(nginx.VhostsDir);
        Directory.CreateDirectory(Path.Combine(root, "temp"));
        await File.WriteAllTextAsync(nginx.ConfigFile, nginx.Config());
        await nginx.StartAgainAsync();
        return nginx;
    }

    /// <summary>
    /// The shared servers with this nginx in place of the shared one: what a Cloner of the
    /// test is configured with, and where CloneTraces looks for vhosts.
    /// </summary>
    public LiveServers In(LiveServers shared) => shared with
    {
        NginxPort = Port,
        NginxVhosts = VhostsDir,
        NginxTestCommand = TestCommand,
        NginxReloadCommand = ReloadCommand,
        NginxPidFile = PidFile,
    };

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    /// <summary>
    /// GETs the path on new connections until nginx answers 404 or 5 s pass. A reload only
    /// signals the master and returns; the old workers keep the old routes a moment longer.
    /// </summary>
    public async Task<(HttpStatusCode Status, string Text)> GetAfterReloadAsync(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            using var request = new HttpRequestMessage(HttpMethod.Get, Url(path));
            request.Headers.ConnectionClose = true;
            using var answer = await http.SendAsync(request);
            var text = await answer.Content.ReadAsStringAsync();
            if (answer.StatusCode == HttpStatusCode.NotFound || DateTime.UtcNow > deadline)
            {
                return (answer.StatusCode, text);
            }

            await Task.Delay(200);
        }
    }

    public async Task StartAgainAsync()
    {
        var (code, output) = await RunAsync(CommandLine);
        Assert.True(code == 0, $"nginx did not start (exit code {code}): {output}");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var (status, _) = await HttpProbe.RetryGetAsync(http, Url("/nginx-alive"));
        Assert.True(status == HttpStatusCode.OK,
            $"nginx on port {Port} answered {status} to /nginx-alive");
    }

    /// <summary>
    /// Stops nginx the way an operator does (SIGQUIT, graceful) and waits for it.
    /// </summary>
    public async Task StopAsync()
    {
        if (MasterPid() is not { } pid)
        {
            return;
        }

        ClonerHost.Signal(pid, "QUIT");
        var deadline = DateTime.UtcNow + s_settle;
        while ((ProcFs.IsAlive(pid) || File.Exists(PidFile)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.False(ProcFs.IsAlive(pid), $"nginx master {pid} did not stop within {s_settle}");
    }

    public async ValueTask DisposeAsync()
    {
        if (MasterPid() is { } pid && ProcFs.IsAlive(pid))
        {
            ClonerHost.Signal(pid, "TERM");
            var deadline = DateTime.UtcNow + s_settle;
            while (ProcFs.IsAlive(pid) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // nginx may still be closing its logs; the temp folder is left for the OS.
        }
    }

    private int? MasterPid()
    {
        if (!File.Exists(PidFile))
        {
            return null;
        }

        var text = File.ReadAllText(PidFile).Trim();
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : null;
    }

    private static async Task<(int Code, string Output)> RunAsync(string commandLine)
    {
        var words = commandLine.Split(' ');
        var start = new ProcessStartInfo(words[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var word in words.Skip(1))
        {
            start.ArgumentList.Add(word);
        }

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"{words[0]} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    private string Config() => $$"""
        # Private nginx of one Cloner test; written by NginxInstance.
        daemon on;
        worker_processes 1;
        user root;
        pid {{PidFile}};
        error_log {{ErrorLog}} info;

        events {
            worker_connections 64;
        }

        http {
            access_log {{Root}}/access.log;
            default_type application/octet-stream;
            client_body_temp_path {{Root}}/temp/client_body;
            proxy_temp_path {{Root}}/temp/proxy;
            fastcgi_temp_path {{Root}}/temp/fastcgi;
            uwsgi_temp_path {{Root}}/temp/uwsgi;
            scgi_temp_path {{Root}}/temp/scgi;

            server {
                listen 127.0.0.1:{{Port}};
                server_name localhost;

                location = /nginx-alive {
                    default_type text/plain;
                    return 200 "alive\n";
                }

                include {{VhostsDir}}/*.conf;
            }
        }
        """;
}
