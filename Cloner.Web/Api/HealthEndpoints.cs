using Cloner.Domain.Storage;
using Cloner.Infrastructure;

namespace Cloner.Web.Api;

/// <summary>
/// <c>GET /healthz</c> (and <c>HEAD</c>, which uptime checkers often send): 200 when the store
/// answers, 503 when it does not.
/// </summary>
public static class HealthEndpoints
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(5);

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapMethods("/healthz", [HttpMethods.Get, HttpMethods.Head], CheckAsync)
            .AllowAnonymous();

    private static async Task<IResult> CheckAsync(
        IStoreHealth store,
        ClonerOptions options,
        ILogger<IStoreHealth> logger,
        CancellationToken cancellationToken)
    {
        var ok = await PingAsync(store, logger, cancellationToken);
        var health = new HealthModel(
            ok ? "ok" : "unavailable",
            new StoreHealthModel(store.Kind, ok),
            options.MySqlAdminConnectionString is null
                ? new ServiceHealthModel(false,
                    "ConnectionStrings:MySqlAdmin is not set; the database steps are skipped")
                : new ServiceHealthModel(true, null),
            options.NginxVhostsDir is null
                ? new ServiceHealthModel(false,
                    "Cloner:Nginx:VhostsDir is not set; the route and reload steps are skipped")
                : new ServiceHealthModel(true, null));
        return Results.Json(health,
            statusCode: ok ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<bool> PingAsync(
        IStoreHealth store,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PingTimeout);
        try
        {
            return await store.PingAsync(timeout.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "The {Store} store did not answer the health check", store.Kind);
            return false;
        }
    }
}
