using System.Diagnostics;
using Cloner.Domain.Provisioning;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cloner.Infrastructure;

/// <summary>
/// A test-only setting, <c>Cloner:FaultInjection:KillAfterStep</c> (for example
/// <c>create:files</c> or <c>delete:database</c>): Cloner kills itself with SIGKILL right after
/// that step of a create or delete finished, so the recovery tests can see what the next start
/// makes of a run cut short. Unset by default; never set it on a server that matters. It is
/// armed once the host has started, so the recovery at start-up runs without it.
/// </summary>
public sealed class FaultInjection(
    ClonerOptions options,
    CloneCreator creator,
    CloneRemover remover,
    ILogger<FaultInjection> logger) : IHostedLifecycleService
{
    public const string Key = "Cloner:FaultInjection:KillAfterStep";

    /// <summary>
    /// The setting's value when it names an operation and one of its steps, null when unset;
    /// anything else stops the start with a message that names the key.
    /// </summary>
    public static string? Checked(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var parts = value.Split(':');
        var steps = parts[0] switch
        {
            Operations.Create => Steps.CreateOrder,
            Operations.Delete => Steps.DeleteOrder,
            _ => null,
        };
        if (parts.Length != 2 || steps is null)
        {
            throw new ClonerConfigurationException(Key,
                $"'{value}' must be create:STEP or delete:STEP, like create:files; " +
                "it is a test-only setting, leave it unset otherwise");
        }

        if (!steps.Contains(parts[1]))
        {
            throw new ClonerConfigurationException(Key,
                $"'{parts[1]}' is not a {parts[0]} step; the {parts[0]} steps are " +
                string.Join(", ", steps));
        }

        return value;
    }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (options.FaultInjectionKillAfterStep is not { } setting)
        {
            return Task.CompletedTask;
        }

        var operation = setting[..setting.IndexOf(':', StringComparison.Ordinal)];
        var target = setting[(operation.Length + 1)..];
        Action<string> hook = step =>
        {
            if (step == target)
            {
                Kill(operation, step);
            }
        };
        if (operation == Operations.Create)
        {
            creator.AfterStep = hook;
        }
        else
        {
            remover.AfterStep = hook;
        }

        logger.LogWarning(
            "Fault injection is on: Cloner kills itself after the {Operation} step {Step}",
            operation, target);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Kill(string operation, string step)
    {
        logger.LogCritical(
            "Fault injection: SIGKILL to Cloner ({Pid}) after the {Operation} step {Step}",
            Environment.ProcessId, operation, step);
        using var self = Process.GetCurrentProcess();
        self.Kill();

        // SIGKILL to oneself lands before kill(2) returns; nothing after this line runs.
        Thread.Sleep(Timeout.Infinite);
    }
}
