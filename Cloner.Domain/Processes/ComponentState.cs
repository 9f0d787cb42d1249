namespace Cloner.Domain.Processes;

public enum ComponentState
{
    Stopped,
    Starting,
    Running,
    Stopping,
    Exited,
    Backoff,
    Fatal,
}
