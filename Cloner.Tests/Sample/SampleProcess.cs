using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Cloner.Tests.Sample;

/// <summary>
/// One component of the sample bot run as a real process (<c>python3 -u script</c>) in a copy
/// of the sample folder, with its stdout kept for the test to read.
/// </summary>
public sealed class SampleProcess : IDisposable
{
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly List<string> _lines = [];

    private SampleProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToList();
            }
        }
    }

    public static SampleProcess Start(
        string folder,
        string script,
        IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("python3")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-u");
        start.ArgumentList.Add(script);
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new SampleProcess(Process.Start(start)!);
    }

    /// <summary>A port nothing listens on right now (the OS picks it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task WaitForLineAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"no line with '{text}' within {timeout}; output:\n" +
                    string.Join('\n', Lines));
            }

            await Task.Delay(50);
        }
    }

    public void Terminate()
    {
        if (Kill(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed");
        }
    }

    /// <summary>The exit code, or null when the process did not exit within the timeout.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(2_000);
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
        }
    }

    // DllImport rather than LibraryImport: the generated form needs unsafe code in the project.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
