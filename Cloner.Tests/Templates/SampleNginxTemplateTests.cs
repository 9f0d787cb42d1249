using System.Diagnostics;
using Cloner.Infrastructure.Provisioning;

namespace Cloner.Tests.Templates;

/// <summary>The sample's rendered vhost passes a real nginx -t inside a server block.</summary>
public sealed class SampleNginxTemplateTests : IDisposable
{
    private const string Nginx = "/usr/sbin/nginx";

    private readonly string _root = Directory.CreateTempSubdirectory("cloner-nginx-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [SkippableFact]
    public async Task SampleVhost_RenderedForBot7_PassesNginxTest()
    {
        Skip.IfNot(File.Exists(Nginx), $"{Nginx} is not installed");
        var vhost = new FluidTemplateRenderer().Render(
            "nginx template",
            FluidTemplateRendererTests.LoadEgo1().NginxTemplate!,
            FluidTemplateRendererTests.Bot7);
        var vhosts = Directory.CreateDirectory(Path.Combine(_root, "vhosts")).FullName;
        await File.WriteAllTextAsync(Path.Combine(vhosts, "bot7.conf"), vhost);
        var config = Path.Combine(_root, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            worker_processes 1;
            pid {{_root}}/nginx.pid;
            error_log stderr;
            events { worker_connections 64; }
            http {
                access_log off;
                client_body_temp_path {{_root}}/body;
                proxy_temp_path {{_root}}/proxy;
                fastcgi_temp_path {{_root}}/fastcgi;
                uwsgi_temp_path {{_root}}/uwsgi;
                scgi_temp_path {{_root}}/scgi;
                server {
                    listen 127.0.0.1:8080;
                    include {{vhosts}}/*.conf;
                }
            }
            """);

        var start = new ProcessStartInfo(Nginx)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var arg in new[] { "-t", "-e", "stderr", "-p", _root, "-c", config })
        {
            start.ArgumentList.Add(arg);
        }

        using var nginx = Process.Start(start)!;
        var errors = nginx.StandardError.ReadToEndAsync();
        await nginx.WaitForExitAsync();

        Assert.True(nginx.ExitCode == 0, await errors);
        Assert.Contains("test is successful", await errors);
    }
}
