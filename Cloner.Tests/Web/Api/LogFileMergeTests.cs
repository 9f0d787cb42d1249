using Cloner.Tests.Processes;
using Cloner.Web.Api;

namespace Cloner.Tests.Web.Api;

/// <summary>
/// The log file download holds stdout and stderr (where a Python traceback goes) in the order
/// they were written, each stderr line marked after its stamp.
/// </summary>
public sealed class LogFileMergeTests : IAsyncLifetime
{
    private const string Day = "2026-01-01_00:00:0";

    private readonly string _folder = Directory.CreateTempSubdirectory("cloner-merge-").FullName;
    private readonly SupervisorHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Merge_StampsInterleaved_TimeOrderStdoutFirstAtATieUnstampedLineStays()
    {
        var output = Write("out", $"{Day}1.00000 a", $"{Day}3.00000 c");
        var errors = Write("err", $"{Day}2.00000 b", "  continued", $"{Day}3.00000 d");

        var merged = await MergeAsync(output, errors);

        Assert.Equal([
            $"{Day}1.00000 a",
            $"{Day}2.00000 [stderr] b",
            "[stderr]   continued",
            $"{Day}3.00000 c",
            $"{Day}3.00000 [stderr] d",
        ], merged);
    }

    [Fact]
    public async Task Merge_NoStderrFile_StdoutAsItIs()
    {
        var output = Write("out", $"{Day}1.00000 a", "no stamp", $"{Day}2.00000 b");

        var merged = await MergeAsync(output, Path.Combine(_folder, "missing"));

        Assert.Equal([$"{Day}1.00000 a", "no stamp", $"{Day}2.00000 b"], merged);
    }

    [Fact]
    public async Task Merge_RealComponentWritingBothStreams_EveryLineInTheOrderWritten()
    {
        var spec = SupervisorHarness.Shell("both", "echo one; sleep 0.3; echo two >&2; "
            + "sleep 0.3; echo three; sleep 0.3; echo four >&2; sleep 1000");
        await _harness.StartAsync(spec);
        var output = _harness.Supervisor.LogFilePath("bot1", "both");
        var errors = _harness.Supervisor.LogFilePath("bot1", "both", isError: true);

        Assert.True(await SupervisorHarness.EventuallyAsync(
            () => File.Exists(errors) && File.ReadAllText(errors).Contains("four",
                StringComparison.Ordinal), SupervisorHarness.Patience), "no \"four\" on stderr");
        var merged = await MergeAsync(output, errors);

        Assert.Equal(["one", "[stderr] two", "three", "[stderr] four"],
            merged.Select(l => l[26..]));
    }

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static async Task<string[]> MergeAsync(string output, string errors)
    {
        using var merged = new MemoryStream();
        await LogFileEndpoint.MergeAsync(output, errors, merged, CancellationToken.None);
        return System.Text.Encoding.UTF8.GetString(merged.ToArray())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
