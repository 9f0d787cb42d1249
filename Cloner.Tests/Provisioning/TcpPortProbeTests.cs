using System.Net;
using System.Net.Sockets;
using Cloner.Infrastructure.Provisioning;

namespace Cloner.Tests.Provisioning;

public sealed class TcpPortProbeTests
{
    private readonly TcpPortProbe _probe = new();

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("0.0.0.0")]
    public void IsInUse_PortListenedOn_IsTrue(string address)
    {
        var listener = new TcpListener(IPAddress.Parse(address), 0);
        listener.Start();
        try
        {
            Assert.True(_probe.IsInUse(((IPEndPoint)listener.LocalEndpoint).Port));
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public void IsInUse_PortNoLongerListenedOn_IsFalse()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        Assert.False(_probe.IsInUse(port));
    }
}
