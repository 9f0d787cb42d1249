using System.Net;
using Cloner.Domain.Provisioning;
using Cloner.Infrastructure;
using Cloner.Infrastructure.Provisioning;
using Cloner.Tests.TestServers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloner.Tests.Provisioning;

/// <summary>The installer against the private nginx of scripts/test-servers.sh.</summary>
public sealed class NginxIntegrationTests : IDisposable
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _installed = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public void Dispose()
    {
        foreach (var clone in _installed)
        {
            File.Delete(Path.Combine(TestServerEnvironment.NginxVhostsDir, clone + ".conf"));
        }

        _http.Dispose();
    }

    [SkippableFact]
    public async Task Install_ValidVhost_IsServedThroughNginxAfterReload()
    {
        TestServerEnvironment.SkipUnlessNginx();
        await using var upstream = new TinyHttpUpstream("hello from upstream a");
        var installer = Installer();
        var clone = Clone("a");

        await installer.InstallAsync(clone, Vhost(clone, upstream.Port), new Progress<string>(),
            CancellationToken.None);
        await installer.ReloadAsync(CancellationToken.None);

        Assert.Equal("hello from upstream a", await GetWhenServedAsync($"/{clone}/"));
    }

    [SkippableFact]
    public async Task Install_VhostFailingTheNginxTest_IsGoneAndTheOtherVhostIsStillServed()
    {
        TestServerEnvironment.SkipUnlessNginx();
        await using var upstream = new TinyHttpUpstream("still here");
        var installer = Installer();
        var good = Clone("good");
        var bad = Clone("bad");
        await installer.InstallAsync(good, Vhost(good, upstream.Port), new Progress<string>(),
            CancellationToken.None);
        await installer.ReloadAsync(CancellationToken.None);
        await GetWhenServedAsync($"/{good}/");

        var ex = await Assert.ThrowsAsync<ProvisioningException>(() => installer.InstallAsync(
            bad, $"location /{bad}/ {{ no_such_directive on; }}\n", new Progress<string>(),
            CancellationToken.None));
        await installer.ReloadAsync(CancellationToken.None);

        Assert.Contains("no_such_directive", ex.Message, StringComparison.Ordinal);
        Assert.False(installer.Exists(bad));
        Assert.Empty(Directory.GetFiles(TestServerEnvironment.NginxVhostsDir, $"*{bad}*"));
        Assert.True(NginxRuns(), "nginx stopped after the rejected vhost");
        Assert.Equal("still here", await GetWhenServedAsync($"/{good}/"));
        using var alive = await _http.GetAsync(
            new Uri(TestServerEnvironment.NginxBaseUri, "/nginx-alive"));
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [SkippableFact]
    public async Task Remove_InstalledVhost_IsNoLongerServedAfterReload()
    {
        TestServerEnvironment.SkipUnlessNginx();
        await using var upstream = new TinyHttpUpstream("soon gone");
        var installer = Installer();
        var clone = Clone("gone");
        await installer.InstallAsync(clone, Vhost(clone, upstream.Port), new Progress<string>(),
            CancellationToken.None);
        await installer.ReloadAsync(CancellationToken.None);
        await GetWhenServedAsync($"/{clone}/");

        await installer.RemoveAsync(clone, new Progress<string>(), CancellationToken.None);
        await installer.ReloadAsync(CancellationToken.None);

        Assert.False(installer.Exists(clone));
        Assert.Equal(HttpStatusCode.NotFound, await StatusWhenChangedAsync($"/{clone}/",
            HttpStatusCode.OK));
    }

    private string Clone(string role)
    {
        var clone = $"pt{_suffix}-{role}";
        _installed.Add(clone);
        return clone;
    }

    private static string Vhost(string clone, int port) =>
        $"location /{clone}/ {{\n    proxy_pass http://127.0.0.1:{port}/;\n}}\n";

    private static NginxRouteInstaller Installer() => new(new ClonerOptions
    {
        DataDir = Path.GetTempPath(),
        ClonesRoot = Path.Combine(Path.GetTempPath(), "cloner-prov-bots"),
        BlueprintsDir = Path.GetTempPath(),
        NginxVhostsDir = TestServerEnvironment.NginxVhostsDir,
        NginxTestCommand = TestServerEnvironment.NginxTestCommand,
        NginxReloadCommand = TestServerEnvironment.NginxReloadCommand,
    }, NullLogger<NginxRouteInstaller>.Instance);

    private static bool NginxRuns()
    {
        var pid = int.Parse(File.ReadAllText(TestServerEnvironment.NginxPidFile).Trim(),
            System.Globalization.CultureInfo.InvariantCulture);
        return Directory.Exists($"/proc/{pid}");
    }

    // A reload swaps nginx's workers a moment after the command returns, so the new route is
    // asked for a few times before the test gives up.
    private async Task<string> GetWhenServedAsync(string path)
    {
        var uri = new Uri(TestServerEnvironment.NginxBaseUri, path);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            using var response = await _http.GetAsync(uri);
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return await response.Content.ReadAsStringAsync();
            }

            await Task.Delay(100);
        }
    }

    private async Task<HttpStatusCode> StatusWhenChangedAsync(string path, HttpStatusCode from)
    {
        var uri = new Uri(TestServerEnvironment.NginxBaseUri, path);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            using var response = await _http.GetAsync(uri);
            if (response.StatusCode != from || DateTime.UtcNow > deadline)
            {
                return response.StatusCode;
            }

            await Task.Delay(100);
        }
    }
}
