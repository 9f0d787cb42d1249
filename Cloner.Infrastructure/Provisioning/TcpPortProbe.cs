using System.Net;
using System.Net.Sockets;
using Cloner.Domain.Provisioning;

namespace Cloner.Infrastructure.Provisioning;

/// <summary>
/// A port is in use when this process cannot bind it on 127.0.0.1 or on 0.0.0.0: something
/// listens there already (on loopback only, or on every address).
/// </summary>
public sealed class TcpPortProbe : IPortProbe
{
    public bool IsInUse(int port)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);

        return !CanBind(IPAddress.Loopback, port) || !CanBind(IPAddress.Any, port);
    }

    private static bool CanBind(IPAddress address, int port)
    {
        using var socket = new Socket(
            AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
