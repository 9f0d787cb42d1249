using Microsoft.AspNetCore.Diagnostics;

namespace Cloner.Web.Api;

/// <summary>
/// Turns any exception that escapes a request into a problem, never a stack trace.
/// </summary>
public sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(
        HttpContext httpContext,
        Exception exception,
        CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException
            && httpContext.RequestAborted.IsCancellationRequested)
        {
            return true;
        }

        var problem = ApiProblems.ForException(exception);
        if (ApiProblems.IsCallerError(exception))
        {
            logger.LogInformation("Refused {Method} {Path}: {Problem}",
                httpContext.Request.Method, httpContext.Request.Path, problem.Detail);
        }
        else
        {
            logger.LogError(exception, "Failed {Method} {Path}",
                httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode =
            problem.Status ?? StatusCodes.Status500InternalServerError;
        await Results.Problem(problem).ExecuteAsync(httpContext);
        return true;
    }
}
