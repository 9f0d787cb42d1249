using Cloner.Domain.Live;
using Cloner.Infrastructure.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloner.Tests.Processes;

/// <summary>
/// The history a component log reads when it first follows its relay files (a Cloner that
/// re-adopts a running component after a restart): every line the files hold, up to the
/// ring's size, in their order, and the lines written after it behind them.
/// </summary>
public sealed class ComponentLogHistoryTests : IDisposable
{
    private const string Stamp = "2026-12-03_18:09:07.34337 ";

    private readonly string _folder = Directory.CreateTempSubdirectory("cloner-history-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Follow_HistoryLongerThanTheQueue_EveryLineInOrderThenTheNewOnes()
    {
        const int old = ComponentLog.QueueLines * 3;
        const int fresh = 500;
        var current = ComponentLog.CurrentPath(_folder, isError: false);
        Directory.CreateDirectory(Path.GetDirectoryName(current)!);
        Directory.CreateDirectory(ComponentLog.StreamFolder(_folder, isError: true));
        await File.WriteAllLinesAsync(current, Numbered(0, old));
        var log = new ComponentLog("bot1", "bot", _folder, old * 2, new CloneFeed(),
            TimeProvider.System, NullLogger.Instance);
        try
        {
            log.Follow();
            await File.AppendAllLinesAsync(current, Numbered(old, fresh));

            var all = await SupervisorHarness.EventuallyAsync(
                () => log.Ring.Count >= old + fresh, SupervisorHarness.Patience);

            var texts = log.Ring.Tail(old * 2).Select(l => l.Text).ToList();
            Assert.True(all, $"the ring holds {texts.Count} of {old + fresh} lines");
            Assert.Equal(Numbered(0, old + fresh).Select(l => l[Stamp.Length..]), texts);
        }
        finally
        {
            await log.DisposeAsync();
        }
    }

    private static IEnumerable<string> Numbered(int from, int count) =>
        Enumerable.Range(from, count).Select(i => $"{Stamp}seq {i:D8}");
}
