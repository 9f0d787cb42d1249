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

    [Fact]
    public void From_GenericStartedAndSucceededTexts_ShowsNoMessage()
    {
        var row = Assert.Single(StepRow.From(
        [
            Event("validate", StepEventKind.Started, "validate started"),
            Event("validate", StepEventKind.Succeeded, "validate succeeded in 0 ms", 0),
        ]));

        Assert.Equal(StepEventKind.Succeeded, row.Outcome);
        Assert.Null(row.Message);
        Assert.Equal(0, row.DurationMs);
    }

    [Fact]
    public void From_GenericSucceededAfterProgress_KeepsTheProgressText()
    {
        var row = Assert.Single(StepRow.From(
        [
            Event("files", StepEventKind.Started, "files started"),
            Event("files", StepEventKind.Progress, "copied 20 of 20 files"),
            Event("files", StepEventKind.Succeeded, "files succeeded in 12 ms", 12),
        ]));

        Assert.Equal("copied 20 of 20 files", row.Message);
    }

    [Fact]
    public void From_StillStartedWithGenericText_ShowsNoMessage()
    {
        var row = Assert.Single(StepRow.From(
            [Event("schema", StepEventKind.Started, "schema started")]));

        Assert.Equal("running", row.State);
        Assert.Null(row.Message);
    }

    private static StepEvent Event(
        string step, StepEventKind kind, string message, long? ms = null) =>
        new("bot1", Interlocked.Increment(ref s_sequence), Operations.Create, step, kind,
            message, ms, DateTimeOffset.UtcNow);
}
