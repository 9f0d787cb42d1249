using Cloner.Domain.Clones;
using Cloner.Domain.Provisioning;
using Cloner.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Cloner.Tests.Web.Api;

public sealed class ApiProblemsTests
{
    public static TheoryData<Exception, int> Mapped => new()
    {
        { new CloneNameTakenException("bot7"), 409 },
        { new CloneBusyException("bot7", "deleting"), 409 },
        { new UnknownCloneException("bot7"), 404 },
        { new UnknownComponentException("bot7", "zzz", ["bot"]), 404 },
        { new CloneRequestException("Clone 'bot7' was made from blueprint 'x'."), 400 },
        { new EnvFileException("env value of A contains a line break"), 400 },
        { new BadHttpRequestException("too big", 413), 413 },
    };

    [Theory]
    [MemberData(nameof(Mapped))]
    public void ForException_DomainError_StatusAndOperatorMessage(Exception exception, int status)
    {
        var problem = ApiProblems.ForException(exception);

        Assert.Equal(status, problem.Status);
        Assert.True(ApiProblems.IsCallerError(exception));
        if (exception is not BadHttpRequestException)
        {
            Assert.Equal(exception.Message, problem.Detail);
        }
    }

    [Fact]
    public void ForException_Validation_400WithErrorsKeyedByField()
    {
        var errors = new Dictionary<string, string[]>
        {
            ["name"] = ["'Bad' is not a valid clone name"],
            ["inputs.token"] = ["Bot token is required"],
        };

        var problem = ApiProblems.ForException(new CloneValidationException(errors));

        var validation = Assert.IsType<HttpValidationProblemDetails>(problem);
        Assert.Equal(400, validation.Status);
        Assert.Equal(["Bot token is required"], validation.Errors["inputs.token"]);
        Assert.Equal(["'Bad' is not a valid clone name"], validation.Errors["name"]);
    }

    [Fact]
    public void ForException_UnexpectedError_500WithoutItsMessage()
    {
        var problem = ApiProblems.ForException(
            new InvalidOperationException("Access denied for user 'root' with password hunter2"));

        Assert.Equal(500, problem.Status);
        Assert.Equal(ApiProblems.InternalDetail, problem.Detail);
        Assert.DoesNotContain("hunter2", problem.Detail);
        Assert.False(ApiProblems.IsCallerError(new InvalidOperationException()));
    }

    [Fact]
    public void CreateFailed_StepFailed_422WithFailedStepReasonAndSteps()
    {
        var failed = new StepEvent("bot7", 6, Operations.Create, Steps.Database,
            StepEventKind.Failed, "MySQL refused the connection", 12, DateTimeOffset.UnixEpoch);
        var outcome = new CreateOutcome("bot7", null, [failed], Steps.Database,
            "MySQL refused the connection");

        var problem = ApiProblems.CreateFailed(outcome);

        Assert.Equal(422, problem.Status);
        Assert.Equal("database", problem.Extensions["failedStep"]);
        Assert.Equal("MySQL refused the connection", problem.Extensions["reason"]);
        var steps = Assert.IsAssignableFrom<IReadOnlyList<StepModel>>(problem.Extensions["steps"]);
        Assert.Equal(StepEventKind.Failed, Assert.Single(steps).Kind);
        Assert.Contains("database", problem.Detail);
    }

    [Fact]
    public void DeleteFailed_StepFailed_500WithFailedStep()
    {
        var outcome = new DeleteOutcome("bot7", [], Steps.Route, "nginx -t failed");

        var problem = ApiProblems.DeleteFailed(outcome);

        Assert.Equal(500, problem.Status);
        Assert.Equal("route", problem.Extensions["failedStep"]);
        Assert.Equal("nginx -t failed", problem.Extensions["reason"]);
    }

    [Fact]
    public void CreateFailed_UndoFailedToo_DetailSaysWhatIsLeftNotThatAllWasUndone()
    {
        // MySQL killed during the schema step: the undo of the database step failed as well,
        // the clone stayed Failed, and the answer still said everything was undone.
        var failed = new StepEvent("bot7", 8, Operations.Create, Steps.Schema,
            StepEventKind.Failed, "schema failed", 5, DateTimeOffset.UnixEpoch);
        var undoFailed = new StepEvent("bot7", 9, Operations.Create, Steps.Database,
            StepEventKind.UndoFailed, "undo of database failed", null, DateTimeOffset.UnixEpoch);
        var outcome = new CreateOutcome("bot7", null, [failed, undoFailed], Steps.Schema,
            "the connection to MySQL was lost");

        var problem = ApiProblems.CreateFailed(outcome);

        Assert.DoesNotContain("was undone", problem.Detail);
        Assert.Contains("undo of database failed", problem.Detail);
        Assert.Contains("delete the clone", problem.Detail);
    }

    [Fact]
    public void CreateFailed_ReasonWithoutFullStop_SentencesKeptApart()
    {
        var outcome = new CreateOutcome("bot7", null, [], Steps.Database,
            "cannot reach MySQL; check that the server runs");

        var problem = ApiProblems.CreateFailed(outcome);

        Assert.Contains("check that the server runs. ", problem.Detail);
    }

    [Fact]
    public void ForException_BodyTooLarge_413SaysTheBodyIsTooLarge()
    {
        var problem = ApiProblems.ForException(new BadHttpRequestException("too big", 413));

        Assert.Equal(413, problem.Status);
        Assert.Contains("too large", problem.Detail);
    }
}
