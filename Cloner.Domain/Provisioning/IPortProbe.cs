namespace Cloner.Domain.Provisioning;

/// <summary>Tells whether something on this host already listens on a port.</summary>
public interface IPortProbe
{
    bool IsInUse(int port);
}
