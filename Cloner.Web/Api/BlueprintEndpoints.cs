using Cloner.Domain.Clones;

namespace Cloner.Web.Api;

/// <summary><c>GET /api/blueprints</c>: the blueprints a clone can be made from.</summary>
public static class BlueprintEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/blueprints", (CloneService clones) =>
            Results.Ok(clones.Blueprints().Blueprints.Select(BlueprintModel.From).ToList()));
}
