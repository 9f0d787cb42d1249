using Cloner.Domain.Clones;
using Cloner.Domain.Processes;
using Cloner.Domain.Provisioning;
using Cloner.Tests.Fakes;

namespace Cloner.Tests.Domain;

public sealed class CloneServiceTests
{
    [Fact]
    public async Task Create_AllConfigured_RunsEveryStepInOrderAndMakesEverything()
    {
        var cloner = new FakeCloner();

        var outcome = await cloner.CreateAsync();

        Assert.True(outcome.Succeeded, outcome.FailureReason);
        Assert.Equal("bot1", outcome.Name);
        var finished = outcome.Steps
            .Where(e => e.Kind == StepEventKind.Succeeded)
            .Select(e => e.Step);
        Assert.Equal(Steps.CreateOrder, finished);
        Assert.Contains("bot1", cloner.World.Databases);
        Assert.Contains("bot1", cloner.World.Users);
        Assert.Contains("bot1", cloner.World.Folders);
        Assert.Contains("location /bot1/", cloner.World.Vhosts["bot1"]);
        Assert.Equal(1, cloner.World.Reloads);
        Assert.Single(cloner.World.Running, r => r.Component == "bot");
        var clone = Assert.IsType<Clone>(await cloner.Store.FindAsync("bot1", default));
        Assert.Equal(CloneStatus.Ready, clone.Status);
        Assert.Equal(8100, clone.Ports["http"]);
        Assert.Equal(9100, clone.Ports["vk"]);
        Assert.DoesNotContain("token", clone.Inputs.Keys);
        Assert.Equal("s-1", clone.Inputs["session_id"]);
    }

    [Fact]
    public async Task Create_EnvFile_HoldsRenderedValuesAndAFreshPassword()
    {
        var cloner = new FakeCloner();

        await cloner.CreateAsync();

        var env = EnvFile.Parse(cloner.World.EnvFiles["bot1"])
            .ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal("123456:ABCDEFGHIJ", env["BOT_TOKEN"]);
        Assert.Equal("8100", env["PORT"]);
        Assert.Equal("1", env["BOT_NUMBER"]);
        Assert.True(env["DB_PASSWORD"].Length >= 32);
    }

    [Theory]
    [InlineData(Steps.Schema)]
    [InlineData(Steps.Files)]
    [InlineData(Steps.Route)]
    [InlineData(Steps.Reload)]
    [InlineData(Steps.Start)]
    public async Task Create_StepFails_UndoesEarlierStepsAndLeavesNothing(string failing)
    {
        var cloner = new FakeCloner();
        cloner.World.FailAt = failing;

        var outcome = await cloner.CreateAsync();

        Assert.False(outcome.Succeeded);
        Assert.Equal(failing, outcome.FailedStep);
        Assert.Contains(outcome.Steps, e => e.Step == failing && e.Kind == StepEventKind.Failed);
        Assert.Contains(outcome.Steps,
            e => e.Step == Steps.Reserve && e.Kind == StepEventKind.Undone);
        AssertNothingLeft(cloner);
        Assert.Null(await cloner.Store.FindAsync("bot1", default));
        Assert.False(cloner.World.Knows("bot1"));
    }

    [Fact]
    public async Task Create_UserCreationFails_DropsTheDatabaseItMade()
    {
        var cloner = new FakeCloner();
        cloner.World.FailAt = "database-user";

        var outcome = await cloner.CreateAsync();

        Assert.Equal(Steps.Database, outcome.FailedStep);
        AssertNothingLeft(cloner);
    }

    [Fact]
    public async Task Create_DatabaseExistsAlready_FailsAndLeavesThatDatabaseAlone()
    {
        var cloner = new FakeCloner();
        cloner.World.Databases.Add("bot1");

        var outcome = await cloner.CreateAsync();

        Assert.Equal(Steps.Database, outcome.FailedStep);
        Assert.Contains("bot1", cloner.World.Databases);
        Assert.Empty(cloner.Store.Claims);
    }

    [Fact]
    public async Task Create_NoMySqlNoNginx_SkipsThoseStepsWithTheReason()
    {
        var cloner = new FakeCloner();
        cloner.World.DatabaseNotConfigured = "ConnectionStrings:MySqlAdmin is not set";
        cloner.World.RouteNotConfigured = "Cloner:Nginx:VhostsDir is not set";

        var outcome = await cloner.CreateAsync();

        Assert.True(outcome.Succeeded, outcome.FailureReason);
        var skipped = outcome.Steps
            .Where(e => e.Kind == StepEventKind.Skipped)
            .ToDictionary(e => e.Step, e => e.Message);
        Assert.Equal("ConnectionStrings:MySqlAdmin is not set", skipped[Steps.Database]);
        Assert.Equal("Cloner:Nginx:VhostsDir is not set", skipped[Steps.Route]);
        Assert.Contains(Steps.Schema, skipped.Keys);
        Assert.Contains(Steps.Reload, skipped.Keys);
        Assert.Empty(cloner.World.Databases);
    }

    [Fact]
    public async Task Create_PortInUse_SkipsIt()
    {
        var cloner = new FakeCloner();
        cloner.World.BusyPorts.Add(8100);

        var outcome = await cloner.CreateAsync();

        Assert.Equal(8101, outcome.View!.Record.Ports["http"]);
    }

    [Fact]
    public async Task Create_TwentyParallel_GetDistinctNamesAndPorts()
    {
        var cloner = new FakeCloner();

        var outcomes = await Task.WhenAll(
            Enumerable.Range(0, 20).Select(_ => Task.Run(() => cloner.CreateAsync())));

        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.FailureReason));
        Assert.Equal(20, outcomes.Select(o => o.Name).Distinct().Count());
        Assert.Equal(20, outcomes.Select(o => o.View!.Record.Ports["http"]).Distinct().Count());
        Assert.Equal(40, cloner.Store.Claims.Count);
    }

    [Fact]
    public async Task Create_TakenName_Throws409Kind()
    {
        var cloner = new FakeCloner();
        await cloner.CreateAsync("acme");

        await Assert.ThrowsAsync<CloneNameTakenException>(() => cloner.CreateAsync("acme"));
    }

    [Theory]
    [InlineData("Bot1", "name")]
    [InlineData("bot/1", "name")]
    [InlineData("a234567890123456789012345678901234567890", "name")]
    public async Task Create_BadName_NamesTheFieldAndMakesNothing(string name, string field)
    {
        var cloner = new FakeCloner();

        var error = await Assert.ThrowsAsync<CloneValidationException>(
            () => cloner.CreateAsync(name));

        Assert.Contains(field, error.Errors.Keys);
        AssertNothingLeft(cloner);
    }

    [Theory]
    [InlineData("token", "short", "pattern")]
    [InlineData("session_id", "", "required")]
    [InlineData("session_id", "a'b", "single quote")]
    [InlineData("session_id", "a\nb", "line break")]
    [InlineData("unknown", "x", "no input")]
    public async Task Create_BadInput_NamesTheInput(string key, string value, string expected)
    {
        var cloner = new FakeCloner();
        var inputs = FakeCloner.GoodInputs;
        inputs[key] = value;

        var error = await Assert.ThrowsAsync<CloneValidationException>(
            () => cloner.CreateAsync(inputs: inputs));

        Assert.Contains(expected, error.Errors[$"inputs.{key}"][0]);
        AssertNothingLeft(cloner);
    }

    [Fact]
    public async Task Create_UnknownBlueprint_NamesIt()
    {
        var cloner = new FakeCloner();

        var error = await Assert.ThrowsAsync<CloneValidationException>(() =>
            cloner.Service.CreateAsync(
                new CreateCloneRequest("nope", null, FakeCloner.GoodInputs), default));

        Assert.Contains("nope", error.Errors["blueprint"][0]);
    }

    [Fact]
    public async Task Delete_ReadyClone_RemovesEverything()
    {
        var cloner = new FakeCloner();
        await cloner.CreateAsync();

        var outcome = await cloner.Service.DeleteAsync("bot1", default);

        Assert.True(outcome.Succeeded, outcome.FailureReason);
        Assert.Equal(Steps.DeleteOrder,
            outcome.Steps.Where(e => e.Kind is StepEventKind.Succeeded).Select(e => e.Step));
        AssertNothingLeft(cloner);
        Assert.Null(await cloner.Store.FindAsync("bot1", default));
        Assert.Empty(await cloner.Service.ListAsync(default));
    }

    [Fact]
    public async Task Delete_UnknownClone_Throws() =>
        await Assert.ThrowsAsync<UnknownCloneException>(
            () => new FakeCloner().Service.DeleteAsync("bot9", default));

    [Fact]
    public async Task Recover_CloneLeftCreating_IsUndone()
    {
        var cloner = new FakeCloner();
        cloner.Creator.AfterStep = step =>
        {
            if (step == Steps.Files)
            {
                throw new OperationCanceledException("killed");
            }
        };
        await Assert.ThrowsAsync<OperationCanceledException>(() => cloner.CreateAsync());
        Assert.Contains("bot1", cloner.World.Folders);

        await cloner.Service.RecoverAsync(default);

        AssertNothingLeft(cloner);
        Assert.Null(await cloner.Store.FindAsync("bot1", default));
    }

    [Fact]
    public async Task StartStop_UnknownComponent_NamesTheKnownOnes()
    {
        var cloner = new FakeCloner();
        await cloner.CreateAsync();

        var error = await Assert.ThrowsAsync<UnknownComponentException>(() =>
            cloner.Service.StartComponentAsync("bot1", "mail", default));

        Assert.Contains("bot, vk", error.Message);
    }

    [Fact]
    public async Task StartStop_KnownComponent_ChangesItsState()
    {
        var cloner = new FakeCloner();
        await cloner.CreateAsync();

        var started = await cloner.Service.StartComponentAsync("bot1", "vk", default);
        var stopped = await cloner.Service.StopComponentAsync("bot1", "vk", default);

        Assert.Equal(ComponentState.Running, started.State);
        Assert.Equal(ComponentState.Stopped, stopped.State);
    }

    private static void AssertNothingLeft(FakeCloner cloner)
    {
        Assert.Empty(cloner.World.Databases);
        Assert.Empty(cloner.World.Users);
        Assert.Empty(cloner.World.Folders);
        Assert.Empty(cloner.World.Vhosts);
        Assert.Empty(cloner.Store.Claims);
        Assert.Empty(cloner.World.Running);
    }
}
