using System.Net;
using System.Net.Sockets;
using Cloner.Domain.Provisioning;
using Cloner.Infrastructure;
using Cloner.Infrastructure.Provisioning;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cloner.Tests.Provisioning;

/// <summary>The provisioner without a server: settings, names and an unreachable host.</summary>
public sealed class MySqlDatabaseProvisionerTests
{
    private const string Password = "Pw0123456789abcdefghijABCDEFGHIJklmnop";

    [Fact]
    public void NotConfiguredReason_NoConnectionString_NamesTheSetting()
    {
        var provisioner = Provisioner(null);

        Assert.Equal("ConnectionStrings:MySqlAdmin is not set", provisioner.NotConfiguredReason);
    }

    [Fact]
    public void Endpoint_ConnectionString_GivesItsFirstHostAndPort()
    {
        var provisioner = Provisioner(
            "Server=db1.example,db2.example;Port=3307;User ID=a;Password=b");

        Assert.Null(provisioner.NotConfiguredReason);
        Assert.Equal(new DatabaseEndpoint("db1.example", 3307), provisioner.Endpoint);
    }

    [Fact]
    public async Task Create_UnreachableServer_SaysWhereAndHidesThePassword()
    {
        var port = ClosedPort();
        var provisioner = Provisioner(
            $"Server=127.0.0.1;Port={port};User ID=root;Password=AdminSecret123;" +
            "ConnectionTimeout=3");

        var ex = await Assert.ThrowsAsync<ProvisioningException>(() => provisioner.CreateAsync(
            "bot7", "bot7", Password, _ => { }, CancellationToken.None));

        Assert.StartsWith($"cannot reach MySQL at 127.0.0.1:{port}: ", ex.Message,
            StringComparison.Ordinal);
        Assert.DoesNotContain("AdminSecret123", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bot`7")]
    [InlineData("Bot7")]
    [InlineData("bot7; DROP DATABASE mysql")]
    [InlineData("7bot")]
    public async Task Create_NameOutsideThePattern_IsRefusedBeforeConnecting(string name)
    {
        var provisioner = Provisioner("Server=127.0.0.1;Port=1;User ID=root;Password=x");

        await Assert.ThrowsAsync<ArgumentException>(() => provisioner.CreateAsync(
            name, "bot7", Password, _ => { }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => provisioner.CreateAsync(
            "bot7", name, Password, _ => { }, CancellationToken.None));
    }

    [Fact]
    public async Task Create_UserNameOver32Characters_IsRefused()
    {
        var provisioner = Provisioner("Server=127.0.0.1;Port=1;User ID=root;Password=x");

        await Assert.ThrowsAsync<ArgumentException>(() => provisioner.CreateAsync(
            "bot7", new string('a', 33), Password, _ => { }, CancellationToken.None));
    }

    [Fact]
    public async Task Create_ShortPassword_IsRefused()
    {
        var provisioner = Provisioner("Server=127.0.0.1;Port=1;User ID=root;Password=x");

        await Assert.ThrowsAsync<ArgumentException>(() => provisioner.CreateAsync(
            "bot7", "bot7", "short", _ => { }, CancellationToken.None));
    }

    private static MySqlDatabaseProvisioner Provisioner(string? admin) => new(new ClonerOptions
    {
        DataDir = Path.GetTempPath(),
        ClonesRoot = Path.Combine(Path.GetTempPath(), "cloner-prov-bots"),
        BlueprintsDir = Path.GetTempPath(),
        MySqlAdminConnectionString = admin,
    }, NullLogger<MySqlDatabaseProvisioner>.Instance);

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
