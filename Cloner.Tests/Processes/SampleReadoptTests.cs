using Cloner.Domain.Blueprints;
using Cloner.Domain.Processes;
using Cloner.Infrastructure.Processes;
using Cloner.Tests.Blueprints;
using Cloner.Tests.Sample;

namespace Cloner.Tests.Processes;

/// <summary>
/// The sample bot under a real supervisor that goes away without stopping it, the way a
/// Cloner killed with SIGKILL does, and a second supervisor that meets it at start.
/// </summary>
public sealed class SampleReadoptTests : IAsyncLifetime
{
    private readonly SupervisorHarness _first = new(stopOnShutdown: false);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(3) };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _first.DisposeAsync();
    }

    [Fact]
    public async Task SampleBot_ClonerGoneAndBotLogsAgain_StillRunsAndIsReadopted()
    {
        // Seen on a real server: after kill -9 of Cloner the bot died at its next log line
        // (BrokenPipeError on stdout), so the restarted Cloner never had anything to re-adopt.
        var clone = _first.Clone with { Folder = SampleBlueprintFolder.CopyEgo1To(_first.Root) };
        var port = SampleProcess.FreePort();
        _first.Folders.Env.Add(new("PORT", $"{port}"));
        _first.Folders.Env.Add(new("BOT_NUMBER", "1"));
        var spec = new ComponentSpec
        {
            Name = "bot",
            Command = "python3",
            Args = ["-u", "bot.py"],
            Restart = RestartPolicy.Never,
            StopTimeout = TimeSpan.FromSeconds(5),
            StartSeconds = TimeSpan.FromSeconds(1),
        };
        var started = await _first.Supervisor.StartAsync(clone, spec, CancellationToken.None);
        var pid = started.Pid!.Value;
        Assert.True(await AnswersAsync(port), "the sample bot never answered /health");
        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => _first.Supervisor.Current(clone.Name, "bot").State == ComponentState.Running,
            SupervisorHarness.Patience));

        await _first.Supervisor.DisposeAsync();
        await AnswersAsync(port); // logs a request line into the pipe nobody reads any more
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.False(ProcFs.Stat(pid) is null or { IsZombie: true },
            "the bot died once the supervisor that started it was gone");
        await using var second = new SupervisorHarness(_first.Root, _first.Store);
        await second.Supervisor.ReconcileAsync([(clone, new Blueprint
        {
            Name = "ego1",
            Title = "Ego1",
            ClonePrefix = "bot",
            Folder = "/nonexistent",
            Components = [spec],
        })], CancellationToken.None);
        Assert.Equal(pid, second.Supervisor.Current(clone.Name, "bot").Pid);
        Assert.True(await AnswersAsync(port), "the re-adopted bot does not answer /health");

        var stopped = await second.Supervisor.StopAsync(clone, spec, CancellationToken.None);
        Assert.Equal(ComponentState.Stopped, stopped.State);
    }

    private async Task<bool> AnswersAsync(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var answer = await _http.GetAsync($"http://127.0.0.1:{port}/health");
                if (answer.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not listening yet, or not answering: try again until the deadline
            }

            await Task.Delay(100);
        }

        return false;
    }
}
