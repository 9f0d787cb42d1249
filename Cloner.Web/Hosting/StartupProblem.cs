using Cloner.Infrastructure;

namespace Cloner.Web.Hosting;

public static class StartupProblem
{
    /// <summary>The setting problem behind a failed start, however the host wrapped it.</summary>
    public static ClonerConfigurationException? Find(Exception exception) => exception switch
    {
        ClonerConfigurationException problem => problem,
        AggregateException all =>
            all.InnerExceptions.Select(Find).FirstOrDefault(p => p is not null),
        { InnerException: { } inner } => Find(inner),
        _ => null,
    };
}
