using Cloner.Domain.Provisioning;
using Cloner.Infrastructure;
using Cloner.Infrastructure.Provisioning;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloner.Tests.Provisioning;

/// <summary>
/// The installer's file handling, with small shell commands standing in for nginx: the "test"
/// fails whenever a vhost in the folder contains the word <c>broken</c>.
/// </summary>
public sealed class NginxRouteInstallerTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _vhosts;

    public NginxRouteInstallerTests()
    {
        _vhosts = _temp.Combine("vhosts");
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void NotConfiguredReason_NoVhostsDir_NamesTheSetting()
    {
        var installer = Installer(vhostsDir: null);

        Assert.Equal("Cloner:Nginx:VhostsDir is not set", installer.NotConfiguredReason);
    }

    [Fact]
    public async Task Install_AcceptedVhost_IsInPlaceAndFolderIsCreated()
    {
        var installer = Installer();

        await installer.InstallAsync("bot7", "location /bot7/ {}\n", new Progress<string>(),
            CancellationToken.None);

        Assert.True(installer.Exists("bot7"));
        Assert.Equal("location /bot7/ {}\n", File.ReadAllText(Path.Combine(_vhosts, "bot7.conf")));
        Assert.Equal(["bot7.conf"], Directory.GetFiles(_vhosts).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Install_RejectedNewVhost_IsRemovedAndTheErrorCarriesTheTestOutput()
    {
        var installer = Installer();

        var ex = await Assert.ThrowsAsync<ProvisioningException>(() => installer.InstallAsync(
            "bot7", "broken {\n", new Progress<string>(), CancellationToken.None));

        Assert.Contains("nginx rejected the vhost of bot7", ex.Message, StringComparison.Ordinal);
        Assert.Contains("bot7.conf:broken {", ex.Message, StringComparison.Ordinal);
        Assert.False(installer.Exists("bot7"));
        Assert.Empty(Directory.GetFiles(_vhosts));
    }

    [Fact]
    public async Task Install_RejectedReplacement_PutsBackThePreviousFile()
    {
        var installer = Installer();
        await installer.InstallAsync("bot7", "location /bot7/ { old; }\n", new Progress<string>(),
            CancellationToken.None);

        await Assert.ThrowsAsync<ProvisioningException>(() => installer.InstallAsync(
            "bot7", "broken\n", new Progress<string>(), CancellationToken.None));

        Assert.Equal("location /bot7/ { old; }\n",
            File.ReadAllText(Path.Combine(_vhosts, "bot7.conf")));
        Assert.Equal(["bot7.conf"], Directory.GetFiles(_vhosts).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Install_InvalidCloneName_IsRefusedBeforeAnyFileIsWritten()
    {
        var installer = Installer();

        await Assert.ThrowsAsync<ProvisioningException>(() => installer.InstallAsync(
            "../etc", "x", new Progress<string>(), CancellationToken.None));

        Assert.False(Directory.Exists(_vhosts));
    }

    [Fact]
    public async Task Remove_InstalledVhost_DeletesIt()
    {
        var installer = Installer();
        await installer.InstallAsync("bot7", "ok\n", new Progress<string>(),
            CancellationToken.None);

        await installer.RemoveAsync("bot7", new Progress<string>(), CancellationToken.None);

        Assert.False(installer.Exists("bot7"));
    }

    [Fact]
    public async Task Reload_FailingCommand_ThrowsWithItsOutput()
    {
        var installer = Installer(reload: "sh -c 'echo reload refused >&2; exit 3'");

        var ex = await Assert.ThrowsAsync<ProvisioningException>(() =>
            installer.ReloadAsync(CancellationToken.None));

        Assert.Contains("exit code 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("reload refused", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not running", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_CommandThatHangs_IsKilledAfterTheTimeout()
    {
        var installer = Installer(reload: "sleep 30", timeoutSeconds: 1);

        var ex = await Assert.ThrowsAsync<ProvisioningException>(() =>
            installer.ReloadAsync(CancellationToken.None));

        Assert.Contains("did not finish within 1 s", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Cloner:Nginx:ReloadCommand 'sleep 30'", ex.Message,
            StringComparison.Ordinal);
        Assert.Contains("may still serve the routes it had before", ex.Message,
            StringComparison.Ordinal);
        Assert.Contains("raise Cloner:Nginx:CommandTimeoutSeconds", ex.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_TestCommandThatHangs_NewVhostIsTakenOutAgain()
    {
        var installer = Installer(test: "sleep 30", timeoutSeconds: 1);

        var ex = await Assert.ThrowsAsync<ProvisioningException>(() => installer.InstallAsync(
            "bot7", "location /bot7/ {}\n", new Progress<string>(), CancellationToken.None));

        Assert.False(installer.Exists("bot7"), "an unchecked vhost was left for the next reload");
        Assert.Empty(Directory.GetFiles(_vhosts));
        Assert.Contains("the vhost of bot7 was not checked, so it was removed", ex.Message,
            StringComparison.Ordinal);
        Assert.Contains("Cloner:Nginx:CommandTimeoutSeconds", ex.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_TestCommandThatHangsOverAnOldVhost_OldOneIsPutBack()
    {
        Directory.CreateDirectory(_vhosts);
        var path = Path.Combine(_vhosts, "bot7.conf");
        await File.WriteAllTextAsync(path, "location /bot7/ { old }\n");
        var installer = Installer(test: "sleep 30", timeoutSeconds: 1);

        var ex = await Assert.ThrowsAsync<ProvisioningException>(() => installer.InstallAsync(
            "bot7", "location /bot7/ { new }\n", new Progress<string>(), CancellationToken.None));

        Assert.Equal("location /bot7/ { old }\n", await File.ReadAllTextAsync(path));
        Assert.Contains("replaced by the one there before", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remove_TestCommandThatHangs_IsKilledNamingBothSettings()
    {
        var installer = Installer(test: "sleep 30", timeoutSeconds: 1);

        var ex = await Assert.ThrowsAsync<ProvisioningException>(() =>
            installer.RemoveAsync("bot7", new Progress<string>(), CancellationToken.None));

        Assert.Contains("Cloner:Nginx:TestCommand 'sleep 30' did not finish within 1 s",
            ex.Message, StringComparison.Ordinal);
        Assert.Contains("raise Cloner:Nginx:CommandTimeoutSeconds", ex.Message,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nginx: [error] open() \"/run/nginx.pid\" failed (2: No such file or directory)")]
    [InlineData("nginx: [alert] kill(4242, 1) failed (3: No such process)")]
    [InlineData("nginx: [error] invalid PID number \"\" in \"/run/nginx.pid\"")]
    [InlineData("nginx.service is not active, cannot reload.")]
    public async Task Reload_NginxNotRunning_SaysSoWithNginxsWordsAndWhatToDo(string said)
    {
        var installer = Installer(reload: $"sh -c 'echo \"$0\" >&2; exit 1' '{said}'");

        var ex = await Assert.ThrowsAsync<ProvisioningException>(() =>
            installer.ReloadAsync(CancellationToken.None));

        Assert.StartsWith("nginx is not running", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Cloner:Nginx:ReloadCommand", ex.Message, StringComparison.Ordinal);
        Assert.Contains(said, ex.Message, StringComparison.Ordinal);
        Assert.Contains("start nginx", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SaysNginxIsNotRunning_OtherReloadFailure_False()
    {
        Assert.False(NginxRouteInstaller.SaysNginxIsNotRunning(
            "nginx: [emerg] unknown directive \"brokn\" in /etc/nginx/vhosts/bot7.conf:1"));
    }

    [Fact]
    public async Task Reload_MissingProgram_NamesTheSetting()
    {
        var installer = Installer(reload: "/nonexistent/nginx -s reload");

        var ex = await Assert.ThrowsAsync<ProvisioningException>(() =>
            installer.ReloadAsync(CancellationToken.None));

        Assert.Contains("Cloner:Nginx:ReloadCommand", ex.Message, StringComparison.Ordinal);
    }

    private NginxRouteInstaller Installer(
        string? vhostsDir = "",
        string reload = "true",
        int timeoutSeconds = 30,
        string? test = null) =>
        new(new ClonerOptions
        {
            DataDir = _temp.Path,
            ClonesRoot = _temp.Combine("bots"),
            BlueprintsDir = _temp.Combine("blueprints"),
            NginxVhostsDir = vhostsDir == "" ? _vhosts : vhostsDir,
            NginxTestCommand = test
                ?? $"sh -c 'cd {_vhosts} && if grep -H broken *.conf; then exit 1; fi'",
            NginxReloadCommand = reload,
            NginxCommandTimeout = TimeSpan.FromSeconds(timeoutSeconds),
        }, NullLogger<NginxRouteInstaller>.Instance);
}
