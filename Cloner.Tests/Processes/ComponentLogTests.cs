using System.Globalization;
using Cloner.Domain.Blueprints;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;
using Cloner.Infrastructure.Processes;

namespace Cloner.Tests.Processes;

/// <summary>
/// Real processes: a component's output on its way to the file, the ring and the feed.
/// </summary>
public sealed class ComponentLogTests : IAsyncLifetime
{
    // The ring at its default bound, so the flood test can see the bound hold.
    private readonly SupervisorHarness _harness = new(ringLines: 10_000);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Output_TenThousandLinesPerSecondForFiveSeconds_NoLineLostInFile()
    {
        const int total = 50_000;
        var script = "import sys, time\n"
            + "start = time.monotonic()\n"
            + $"for i in range({total}):\n"
            + "    print(f'line {i} ' + 'x' * 40)\n"
            + "    if i % 500 == 499:\n"
            + "        sys.stdout.flush()\n"
            + "        time.sleep(max(0, start + (i + 1) / 10000 - time.monotonic()))\n";
        var spec = new ComponentSpec
        {
            Name = "flood",
            Command = "/usr/bin/python3",
            Args = ["-c", script],
            Restart = RestartPolicy.Never,
        };
        using var feed = _harness.Feed.Subscribe(capacity: 100_000);

        await _harness.StartAsync(spec);
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _harness.Supervisor.Current("bot1", "flood").State == ComponentState.Exited,
            TimeSpan.FromSeconds(30)));
        Assert.Equal(0, _harness.Supervisor.Current("bot1", "flood").ExitCode);

        var path = _harness.Supervisor.LogFilePath("bot1", "flood");
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => ReadOutput(path).Count >= total, TimeSpan.FromSeconds(10)));
        var numbers = ReadOutput(path)
            .Select(t => int.Parse(t.Split(' ')[1], CultureInfo.InvariantCulture))
            .ToList();
        Assert.Equal(Enumerable.Range(0, total), numbers);

        var published = 0;
        while (feed.Reader.TryRead(out var change))
        {
            published += change is LogLinesWritten { Component: "flood" } lines
                ? lines.Lines.Count(l => l.Text.StartsWith("line ", StringComparison.Ordinal))
                : 0;
        }

        Assert.Equal(total, published);

        // In memory the supervisor keeps only its bounded ring of recent lines, not all 50,000.
        Assert.Equal(10_000, _harness.Supervisor.Tail("bot1", "flood", total).Count);
    }

    [Fact]
    public async Task Tail_StderrAndStdout_KeptInRingInOrderWithStream()
    {
        // svlogd drops a last line that has no LF at EOF, so every line here ends with one.
        var spec = SupervisorHarness.Shell("mix", "echo one; echo two >&2; printf 'three\\n'");

        await _harness.StartAsync(spec);
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _harness.Supervisor.Current("bot1", "mix").State == ComponentState.Exited,
            SupervisorHarness.Patience));

        // The writer hands lines to the ring a moment after the pipes end.
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _harness.Supervisor.Tail("bot1", "mix", 100).Any(l => l.Text == "three"),
            SupervisorHarness.Patience));
        var lines = _harness.Supervisor.Tail("bot1", "mix", 100)
            .Where(l => !l.Text.StartsWith("[cloner]", StringComparison.Ordinal)).ToList();
        Assert.Equal(["one", "three", "two"], lines.Select(l => l.Text).Order());
        Assert.True(lines.Single(l => l.Text == "two").IsError);
        Assert.False(lines.Single(l => l.Text == "one").IsError);
        var numbers = _harness.Supervisor.Tail("bot1", "mix", 100).Select(l => l.Number).ToList();
        Assert.Equal(numbers.Order(), numbers);
    }

    [Fact]
    public async Task Tail_NewSupervisorWithEmptyRing_ReadsFromFile()
    {
        var spec = SupervisorHarness.Shell("kept", "echo remembered");
        await _harness.StartAsync(spec);
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _harness.Supervisor.Tail("bot1", "kept", 10).Any(l => l.Text == "remembered"),
            SupervisorHarness.Patience));
        await _harness.Supervisor.DisposeAsync();

        await using var later = new SupervisorHarness(_harness.Root);

        Assert.Contains(later.Supervisor.Tail("bot1", "kept", 10), l => l.Text == "remembered");
    }

    [Fact]
    public async Task Forget_CloneWithRunningComponent_StopsItAndRemovesRecordsAndLogs()
    {
        var spec = SupervisorHarness.Shell("bot", "echo hi; sleep 1000");
        var started = await _harness.StartAsync(spec);
        var logs = Path.GetDirectoryName(_harness.Supervisor.LogFilePath("bot1", "bot"))!;
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => File.Exists(_harness.Supervisor.LogFilePath("bot1", "bot")),
            SupervisorHarness.Patience));

        await _harness.Supervisor.ForgetAsync("bot1", CancellationToken.None);

        Assert.Empty(SupervisorHarness.GroupMembers(started.Pid!.Value));
        Assert.False(Directory.Exists(logs));
        Assert.Null(_harness.Store.Find("bot1", "bot"));
        Assert.Equal(ComponentState.Stopped, _harness.Supervisor.Current("bot1", "bot").State);
        Assert.Empty(_harness.Supervisor.Tail("bot1", "bot", 10));
    }

    [Fact]
    public void LogFilePath_NameWithSlash_Refused()
    {
        Assert.Throws<ArgumentException>(() => _harness.Supervisor.LogFilePath("../etc", "bot"));
        Assert.Throws<ArgumentException>(() => _harness.Supervisor.LogFilePath("bot1", ".."));
        Assert.Equal(Path.Combine(_harness.Options.LogsDir, "bot1", "vk", "out", "current"),
            _harness.Supervisor.LogFilePath("bot1", "vk"));
    }

    private static List<string> ReadOutput(string path) =>
        LogRelay.ReadTail(path, 1_000_000, isError: false)
            .Select(l => l.Text)
            .Where(t => t.StartsWith("line ", StringComparison.Ordinal))
            .ToList();
}
