using Cloner.Domain.Provisioning;
using Cloner.Web.Components.Clones;

namespace Cloner.Tests.Web.Components;

public sealed class StepRowTests
{
    private static long s_sequence;

    [Fact]
    public void From_StartedProgressSucceeded_IsOneRowWithDuration()
    {
        var rows = StepRow.From(
        [
            Event("files", StepEventKind.Started, ""),
            Event("files", StepEventKind.Progress, "copied 10 of 20 files"),
            Event("files", StepEventKind.Succeeded, "copied 20 files", 42),
        ]);

        var row = Assert.Single(rows);
        Assert.Equal(StepEventKind.Succeeded, row.Outcome);
        Assert.Equal("copied 20 files", row.Message);
        Assert.Equal(42, row.DurationMs);
    }

    [Fact]
    public void From_StepStillRunning_ShowsLatestProgressText()
    {
        var row = Assert.Single(StepRow.From(
        [
            Event("schema", StepEventKind.Started, ""),
            Event("schema", StepEventKind.Progress, "statement 3 of 9"),
        ]));

        Assert.Equal("running", row.State);
        Assert.Equal("statement 3 of 9", row.Message);
    }

    [Fact]
    public void From_FailureWithUndoneEarlierSteps_KeepsOrderReasonAndUndo()
    {
        var rows = StepRow.From(
        [
            Event("reserve", StepEventKind.Started, ""),
            Event("reserve", StepEventKind.Succeeded, "http 8100", 3),
            Event("database", StepEventKind.Skipped, "ConnectionStrings:MySqlAdmin is not set"),
            Event("files", StepEventKind.Started, ""),
            Event("files", StepEventKind.Failed, "disk full", 7),
            Event("reserve", StepEventKind.Undone, "released http 8100"),
        ]);

        Assert.Equal(["reserve", "database", "files"], rows.Select(r => r.Step));
        Assert.Equal(StepEventKind.Succeeded, rows[0].Outcome);
        Assert.Equal("released http 8100", rows[0].Undo!.Message);
        Assert.Equal("ConnectionStrings:MySqlAdmin is not set", rows[1].Message);
        Assert.Equal("failed", rows[2].State);
        Assert.Equal("disk full", rows[2].Message);
    }

    private static StepEvent Event(
        string step, StepEventKind kind, string message, long? ms = null) =>
        new("bot1", Interlocked.Increment(ref s_sequence), Operations.Create, step, kind,
            message, ms, DateTimeOffset.UtcNow);
}
