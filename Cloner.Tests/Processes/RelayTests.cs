using System.Diagnostics;
using System.Globalization;
using Cloner.Domain.Blueprints;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;
using Cloner.Infrastructure.Processes;

namespace Cloner.Tests.Processes;

/// <summary>
/// Real processes and real svlogd relays: a component outlives the supervisor that started it
/// (a Cloner that was killed) with its output still logged, and a new supervisor takes it back.
/// </summary>
public sealed class RelayTests : IAsyncLifetime
{
    private const string Ticker =
        "i=0; while true; do echo \"tick $i\"; echo \"warn $i\" >&2; i=$((i+1)); sleep 0.1; done";

    private readonly SupervisorHarness _first = new(stopOnShutdown: false);

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>
    /// The first supervisor stops nothing when disposed, so a test that failed half-way would
    /// leave its components running; they are killed here by their recorded group.
    /// </summary>
    public async Task DisposeAsync()
    {
        await _first.Supervisor.DisposeAsync();
        foreach (var record in await _first.Store.ListAsync(CancellationToken.None))
        {
            if (record.Pid is { } pid && ProcFs.Stat(pid) is { } stat
                && stat.StartTicks == record.ProcessStartTicks && stat.ProcessGroup == pid)
            {
                ProcFs.SignalGroup(pid, ProcFs.SigKill);
            }
        }

        await _first.DisposeAsync();
    }

    [Fact]
    public async Task SupervisorGone_ComponentRunning_LinesKeepArrivingInRelayFile()
    {
        var spec = SupervisorHarness.Shell("bot", Ticker, RestartPolicy.OnFailure);
        var started = await _first.StartAsync(spec);
        var path = _first.Supervisor.LogFilePath("bot1", "bot");
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => Ticks(path).Count >= 3, SupervisorHarness.Patience));

        await _first.Supervisor.DisposeAsync();
        var atDispose = Ticks(path).Count;
        var disposedAt = DateTimeOffset.UtcNow;

        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => Ticks(path).Count >= atDispose + 10, SupervisorHarness.Patience),
            "no new lines reached the relay file while no supervisor ran");
        Assert.NotEmpty(SupervisorHarness.GroupMembers(started.Pid!.Value));
        var written = LogRelay.ReadTail(path, 5, isError: false);
        Assert.Equal(5, written.Count);
        Assert.All(written, l => Assert.InRange(
            l.At, disposedAt.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1)));
        var errors = LogRelay.ReadTail(ErrPath(path), 5, isError: true);
        Assert.NotEmpty(errors);
        Assert.All(errors, l => Assert.StartsWith("warn ", l.Text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reconcile_ComponentThatOutlivedSupervisor_SamePidLiveLinesCleanStop()
    {
        var spec = SupervisorHarness.Shell("bot", Ticker, RestartPolicy.OnFailure);
        var started = await _first.StartAsync(spec);
        var path = _first.Supervisor.LogFilePath("bot1", "bot");
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => Ticks(path).Count >= 3, SupervisorHarness.Patience));
        await _first.Supervisor.DisposeAsync();
        var atDispose = Ticks(path).Count;
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => Ticks(path).Count >= atDispose + 5, SupervisorHarness.Patience));
        var lastWhileDown = Ticks(path)[^1];

        await using var second = new SupervisorHarness(_first.Root, _first.Store);
        using var feed = second.Feed.Subscribe(capacity: 10_000);
        await second.ReconcileAsync(spec);

        var adopted = second.Supervisor.Current("bot1", "bot");
        Assert.Equal(ComponentState.Running, adopted.State);
        Assert.Equal(started.Pid, adopted.Pid);
        var history = second.Supervisor.Tail("bot1", "bot", 10_000);
        Assert.Contains(history, l => l.Text == lastWhileDown && !l.IsError);
        Assert.Contains(history, l => l.Text.StartsWith("warn ", StringComparison.Ordinal)
            && l.IsError);

        var live = new List<LogLine>();
        Assert.True(await SupervisorHarness.EventuallyAsync(() =>
        {
            while (feed.Reader.TryRead(out var change))
            {
                if (change is LogLinesWritten { Component: "bot" } written)
                {
                    live.AddRange(written.Lines);
                }
            }

            return live.Any(l => l.Text.StartsWith("tick ", StringComparison.Ordinal))
                && live.Any(l => l.Text.StartsWith("warn ", StringComparison.Ordinal));
        }, SupervisorHarness.Patience), "the re-adopted component's new lines were not published");
        Assert.DoesNotContain(live, l => l.Text == lastWhileDown);
        Assert.All(live.Where(l => l.Text.StartsWith("warn ", StringComparison.Ordinal)),
            l => Assert.True(l.IsError));
        Assert.All(live.Where(l => l.Text.StartsWith("tick ", StringComparison.Ordinal)),
            l => Assert.False(l.IsError));

        var stopped = await second.StopAsync(spec);

        Assert.Equal(ComponentState.Stopped, stopped.State);
        Assert.Empty(SupervisorHarness.GroupMembers(started.Pid!.Value));
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => RelaysWriting(path).Count == 0, SupervisorHarness.Patience),
            "the log relays did not end after the component's group was gone");
    }

    [Fact]
    public async Task Reconcile_TwelveComponentsOutlivedSupervisor_AllReadoptedWithLiveLines()
    {
        var specs = Enumerable.Range(1, 12)
            .Select(n => SupervisorHarness.Shell($"c{n}", Ticker, RestartPolicy.OnFailure))
            .ToList();
        var pids = new Dictionary<string, int>();
        foreach (var spec in specs)
        {
            pids[spec.Name] = (await _first.StartAsync(spec)).Pid!.Value;
        }

        await _first.Supervisor.DisposeAsync();
        await Task.Delay(300);
        await using var second = new SupervisorHarness(_first.Root, _first.Store);

        await second.Supervisor.ReconcileAsync([(second.Clone, new Blueprint
        {
            Name = "test",
            Title = "Test",
            ClonePrefix = "bot",
            Folder = "/nonexistent",
            Components = specs,
        })], CancellationToken.None);

        foreach (var spec in specs)
        {
            var current = second.Supervisor.Current("bot1", spec.Name);
            Assert.Equal(ComponentState.Running, current.State);
            Assert.Equal(pids[spec.Name], current.Pid);
        }

        var marks = specs.ToDictionary(s => s.Name, s => LastNumber(second, s.Name));
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => specs.All(s => LastNumber(second, s.Name) > marks[s.Name] + 2),
            TimeSpan.FromSeconds(10)), "not every re-adopted component showed new lines");

        foreach (var spec in specs)
        {
            Assert.Equal(ComponentState.Stopped, (await second.StopAsync(spec)).State);
            Assert.Empty(SupervisorHarness.GroupMembers(pids[spec.Name]));
        }
    }

    [Fact]
    public async Task Exit_DotnetChildrenExitMeanwhile_ComponentExitCodeKept()
    {
        // .NET reaps the children of its Process objects on SIGCHLD; it must not take ours.
        var spec = SupervisorHarness.Shell("short", "sleep 0.5; exit 7");
        await _first.StartAsync(spec);
        for (var i = 0; i < 10; i++)
        {
            using var other = Process.Start("true")!;
            await other.WaitForExitAsync();
            await Task.Delay(60);
        }

        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _first.Supervisor.Current("bot1", "short").State == ComponentState.Exited,
            SupervisorHarness.Patience));
        Assert.Equal(7, _first.Supervisor.Current("bot1", "short").ExitCode);
    }

    [Fact]
    public async Task Start_Component_NoSignalIgnoredOrBlockedAndOwnSession()
    {
        var spec = SupervisorHarness.Shell("plain", "exec sleep 1000");
        var pid = (await _first.StartAsync(spec)).Pid!.Value;
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => ProcFs.CommandLine(pid) == "sleep 1000", SupervisorHarness.Patience));

        // Signals 1 to 31; glibc's posix_spawn leaves its own internal 32 and 33 ignored.
        const ulong standard = 0x7FFF_FFFF;
        var status = File.ReadAllLines($"/proc/{pid}/status");
        Assert.Equal(0UL, Mask(status, "SigIgn:") & standard);
        Assert.Equal(0UL, Mask(status, "SigBlk:"));
        var stat = ProcFs.Stat(pid)!;
        Assert.Equal(pid, stat.ProcessGroup);
        Assert.Equal(pid, stat.Session);
        Assert.Equal("/dev/null", new FileInfo($"/proc/{pid}/fd/0").LinkTarget);
        Assert.StartsWith("pipe:", new FileInfo($"/proc/{pid}/fd/1").LinkTarget);
        await _first.StopAsync(spec);
    }

    [Fact]
    public async Task Output_PastRelayRotation_NoLineLostOrRepeated()
    {
        // 140,000 lines of 80 bytes: past svlogd's 10 MB, so current is rotated once.
        const int total = 140_000;
        var spec = new ComponentSpec
        {
            Name = "flood",
            Command = "/usr/bin/python3",
            Args = ["-c", $"for i in range({total}): print(f'line {{i}} ' + 'y' * 60)"],
            Restart = RestartPolicy.Never,
        };
        using var feed = _first.Feed.Subscribe(capacity: 100_000);

        await _first.StartAsync(spec);
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _first.Supervisor.Current("bot1", "flood").State == ComponentState.Exited,
            TimeSpan.FromSeconds(60)));

        var numbers = new List<int>();
        while (feed.Reader.TryRead(out var change))
        {
            if (change is LogLinesWritten { Component: "flood" } written)
            {
                numbers.AddRange(written.Lines
                    .Where(l => l.Text.StartsWith("line ", StringComparison.Ordinal))
                    .Select(l => int.Parse(l.Text.Split(' ')[1], CultureInfo.InvariantCulture)));
            }
        }

        Assert.Equal(Enumerable.Range(0, total), numbers);
        var folder = Path.GetDirectoryName(_first.Supervisor.LogFilePath("bot1", "flood"))!;
        Assert.Contains(Directory.GetFiles(folder), f => Path.GetFileName(f).StartsWith('@'));
    }

    [Fact]
    public async Task Output_LongLineAndInvalidUtf8_CutAndReplaced()
    {
        var spec = SupervisorHarness.Shell("odd",
            "head -c 70000 /dev/zero | tr '\\0' x; echo; printf 'bad \\377 byte\\n'");

        await _first.StartAsync(spec);
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _first.Supervisor.Tail("bot1", "odd", 10)
                .Any(l => l.Text.StartsWith("bad", StringComparison.Ordinal)),
            SupervisorHarness.Patience));

        var lines = _first.Supervisor.Tail("bot1", "odd", 10)
            .Where(l => !l.Text.StartsWith("[cloner]", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.EndsWith(LineFramer.CutMarker, lines[0].Text, StringComparison.Ordinal);
        Assert.InRange(lines[0].Text.Length, 60_000, LineFramer.MaxLineBytes
            + LineFramer.CutMarker.Length);
        Assert.Equal("bad \uFFFD byte", lines[1].Text);
    }

    private static List<string> Ticks(string path) =>
        LogRelay.ReadTail(path, 100_000, isError: false)
            .Select(l => l.Text)
            .Where(t => t.StartsWith("tick ", StringComparison.Ordinal))
            .ToList();

    private static string ErrPath(string outPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(outPath))!, "err", "current");

    private static int LastNumber(SupervisorHarness harness, string component) =>
        harness.Supervisor.Tail("bot1", component, 50)
            .Where(l => l.Text.StartsWith("tick ", StringComparison.Ordinal))
            .Select(l => int.Parse(l.Text[5..], CultureInfo.InvariantCulture))
            .DefaultIfEmpty(-1)
            .Max();

    private static List<int> RelaysWriting(string outPath)
    {
        var folder = Path.GetDirectoryName(Path.GetDirectoryName(outPath))!;
        return ProcFs.All()
            .Where(s => s.Comm == "svlogd" && !s.IsZombie
                && (ProcFs.CommandLine(s.Pid) ?? "").Contains(folder, StringComparison.Ordinal))
            .Select(s => s.Pid)
            .ToList();
    }

    private static ulong Mask(string[] status, string field) =>
        ulong.Parse(status.Single(l => l.StartsWith(field, StringComparison.Ordinal))
            [field.Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
