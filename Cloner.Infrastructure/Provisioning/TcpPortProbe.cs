using Cloner.Domain.Provisioning;

namespace Cloner.Infrastructure.Provisioning;

// PLACEHOLDER: replaced by the real bind probe.
public sealed class TcpPortProbe : IPortProbe
{
    public bool IsInUse(int port) => throw new NotImplementedException();
}
