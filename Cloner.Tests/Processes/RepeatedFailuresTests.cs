using Cloner.Infrastructure.Processes;

namespace Cloner.Tests.Processes;

public sealed class RepeatedFailuresTests
{
    [Fact]
    public void Failed_SameReasonEveryRound_TrueOnlyTheFirstTimeAndWhenTheReasonChanges()
    {
        var failures = new RepeatedFailures();

        var said = new[]
        {
            failures.Failed("sample", "Too many open files"),
            failures.Failed("sample", "Too many open files"),
            failures.Failed("sample", "Too many open files"),
            failures.Failed("sample", "No such file or directory"),
            failures.Failed("judge", "Too many open files"),
        };

        Assert.Equal([true, false, false, true, true], said);
    }

    [Fact]
    public void Succeeded_AfterFailing_TrueOnceThenTheNextFailureIsSaidAgain()
    {
        var failures = new RepeatedFailures();
        failures.Failed("sample", "Too many open files");

        Assert.True(failures.Succeeded("sample"));
        Assert.False(failures.Succeeded("sample"));
        Assert.False(failures.Succeeded("judge"));
        Assert.True(failures.Failed("sample", "Too many open files"));
    }
}
