using System.Text.Json.Serialization;

namespace Cloner.Web.Api;

public static class ApiRegistration
{
    /// <summary>JSON in camelCase with enums as names, problem details, the audit trail.</summary>
    public static IServiceCollection AddClonerApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(
            new JsonStringEnumConverter()));
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddScoped<AuditTrail>();
        return services;
    }

    /// <summary>
    /// Maps <c>/api/*</c> and <c>/healthz</c>, relative to the PathBase; every GET call answers
    /// HEAD as well.
    /// </summary>
    public static IEndpointRouteBuilder MapClonerApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api").AnswerHeadLikeGet();
        SessionEndpoints.Map(api);
        BlueprintEndpoints.Map(api);
        CloneEndpoints.Map(api);
        LogFileEndpoint.Map(api);
        HostEndpoints.Map(api);
        HealthEndpoints.Map(endpoints);
        return endpoints;
    }
}
