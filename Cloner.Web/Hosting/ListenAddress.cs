namespace Cloner.Web.Hosting;

public static class ListenAddress
{
    public const string Default = "http://127.0.0.1:5000";

    /// <summary>
    /// Listens on 127.0.0.1:5000 unless --urls, ASPNETCORE_URLS or Kestrel settings say where.
    /// </summary>
    public static IWebHostBuilder UseClonerListenAddress(
        this IWebHostBuilder web, IConfiguration configuration)
    {
        var told = configuration["urls"] is not null
            || configuration["http_ports"] is not null
            || configuration["https_ports"] is not null
            || configuration.GetSection("Kestrel:Endpoints").Exists();
        return told ? web : web.UseUrls(Default);
    }
}
