using Cloner.Domain.Storage;

namespace Cloner.Web.Api;

/// <summary>
/// Writes who did what to the audit log. The action has happened by then, so a failure to
/// write is logged and the request still answers with what the action did.
/// </summary>
public sealed class AuditTrail(IAuditLog audit, TimeProvider time, ILogger<AuditTrail> logger)
{
    public async Task WriteAsync(HttpContext http, string action, string clone, string? detail)
    {
        var user = http.User.Identity?.Name ?? "(anonymous)";
        try
        {
            await audit.AppendAsync(
                new AuditEntry(time.GetUtcNow(), user, action, clone, detail),
                CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError(ex,
                "Could not write the audit entry {Action} of clone {Clone} by {User}",
                action, clone, user);
        }
    }
}
