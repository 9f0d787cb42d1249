using Cloner.Domain.Processes;
using Cloner.Infrastructure.Processes;

namespace Cloner.Web.Api;

/// <summary>
/// <c>GET /api/host</c>: the server's CPU, memory, the clones' disk and the logs disk, as the
/// resource monitor measured them last; 503 before its first round.
/// </summary>
public static class HostEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/host", (IServiceProvider services) =>
            services.GetService<ResourceMonitor>()?.Host is { } host
                ? Results.Ok(HostModel.From(host))
                : Results.Problem(ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable,
                    "No host sample yet",
                    "the resource monitor has not measured the host yet; try again in a second")));
}

/// <summary>The host totals of <c>GET /api/host</c>.</summary>
public sealed record HostModel(
    double CpuPercent,
    long MemoryTotalBytes,
    long MemoryAvailableBytes,
    long ClonesDiskTotalBytes,
    long ClonesDiskFreeBytes,
    long? LogsDiskFreeBytes,
    bool LogsDiskFull,
    string? LogsDiskMessage,
    DateTimeOffset At)
{
    public static HostModel From(HostSample host) => new(
        host.CpuPercent,
        host.MemoryTotalBytes,
        host.MemoryAvailableBytes,
        host.DiskTotalBytes,
        host.DiskFreeBytes,
        host.LogsDiskFreeBytes,
        host.LogsDiskMessage is not null,
        host.LogsDiskMessage,
        host.At);
}
