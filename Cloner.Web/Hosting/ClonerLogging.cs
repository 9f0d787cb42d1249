using Cloner.Infrastructure;
using Serilog;
using Serilog.Events;

namespace Cloner.Web.Hosting;

public static class ClonerLogging
{
    public const long FileSizeLimit = 10 * 1024 * 1024;
    public const int FilesKept = 5;

    private const string ConsoleTemplate =
        "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    private const string FileTemplate =
        "{Timestamp:o} [{Level:u3}] {SourceContext}: {Message:lj} {Properties:j}" +
        "{NewLine}{Exception}";

    /// <summary>
    /// Serilog to the console and to <c>DataDir/logs/cloner.log</c>, rolled at 10 MB with 5
    /// files kept. Levels can be changed under "Serilog" in appsettings.json.
    /// </summary>
    public static WebApplicationBuilder AddClonerLogging(
        this WebApplicationBuilder builder, ClonerOptions options)
    {
        builder.Services.AddSerilog((services, logger) => logger
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .MinimumLevel.Override("Microsoft.AspNetCore.DataProtection", LogEventLevel.Error)
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            .WriteTo.Console(
                outputTemplate: ConsoleTemplate)
            .WriteTo.File(
                Path.Combine(options.LogsDir, "cloner.log"),
                fileSizeLimitBytes: FileSizeLimit,
                rollOnFileSizeLimit: true,
                retainedFileCountLimit: FilesKept,
                outputTemplate: FileTemplate));
        return builder;
    }
}
