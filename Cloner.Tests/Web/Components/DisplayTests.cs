using Cloner.Domain.Processes;
using Cloner.Web.Components.Clones;

namespace Cloner.Tests.Web.Components;

public sealed class DisplayTests
{
    [Fact]
    public void Problem_RunningWithoutRestarts_IsNone()
    {
        var record = Record(ComponentState.Running) with { Message = "started", ExitCode = 0 };

        Assert.Null(Display.Problem(record));
    }

    [Fact]
    public void Problem_RunningAfterRestartsWithMessage_IsTheMessage()
    {
        var record = Record(ComponentState.Running) with
        {
            Restarts = 2,
            Message = "exited with 2",
        };

        Assert.Equal("exited with 2", Display.Problem(record));
    }

    [Fact]
    public void Problem_RunningWithoutRestartsWhoseRelayEnded_IsTheMessage()
    {
        var message = "the stdout log relay (svlogd) ended while the component runs: what it "
            + "writes there is no longer logged; restart the component to log it again";
        var record = Record(ComponentState.Running) with { Message = message };

        Assert.Equal(message, Display.Problem(record));
    }

    [Fact]
    public void Problem_FatalWithoutReason_SaysNoReasonWasGiven()
    {
        Assert.Equal("Fatal, no reason was given", Display.Problem(Record(ComponentState.Fatal)));
    }

    private static ComponentRecord Record(ComponentState state) =>
        new() { CloneName = "bot1", Component = "vk", State = state };
}
