namespace Cloner.Web.Api;

/// <summary>
/// Lets every GET endpoint of a group answer HEAD too (uptime checkers and <c>curl -I</c> send
/// it): the endpoint runs as for GET, with the same status and headers, and Kestrel drops the
/// body it writes. Endpoints without GET keep their methods, so a wrong method stays 405.
/// </summary>
public static class HeadLikeGet
{
    public static TBuilder AnswerHeadLikeGet<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        // Finally runs after the mapping has added its methods, whatever the order of the calls.
        builder.Finally(endpoint =>
        {
            var methods = endpoint.Metadata.OfType<IHttpMethodMetadata>().LastOrDefault();
            if (methods is null
                || !methods.HttpMethods.Any(HttpMethods.IsGet)
                || methods.HttpMethods.Any(HttpMethods.IsHead))
            {
                return;
            }

            endpoint.Metadata.Add(new HttpMethodMetadata(
                [.. methods.HttpMethods, HttpMethods.Head], methods.AcceptCorsPreflight));
        });
        return builder;
    }
}
