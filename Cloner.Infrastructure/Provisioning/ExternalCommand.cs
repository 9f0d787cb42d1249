using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Cloner.Domain.Provisioning;

namespace Cloner.Infrastructure.Provisioning;

/// <summary>
/// Runs a configured command line (split by <see cref="CommandLine"/>, started without a shell)
/// and collects what it wrote to stdout and stderr, killing it with its children when it takes
/// longer than the timeout.
/// </summary>
public static class ExternalCommand
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private const int OutputLimit = 8_000;

    /// <summary>
    /// Runs <paramref name="commandLine"/>, which comes from the setting <paramref name="key"/>
    /// (named in errors). A command that cannot be split or started, or that times out, throws a
    /// <see cref="ProvisioningException"/>; any exit code is returned with the output.
    /// </summary>
    public static async Task<CommandResult> RunAsync(
        string key,
        string commandLine,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var start = StartInfo(key, commandLine);
        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);

        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new ProvisioningException(
                $"cannot start {key} '{commandLine}': {ex.Message}; check the setting", ex);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new ProvisioningException(
                $"{key} '{commandLine}' did not finish within {timeout.TotalSeconds:0} s " +
                $"and was killed; output: {Text(output)}", new TimeoutException());
        }

        return new CommandResult(process.ExitCode, Text(output));
    }

    private static ProcessStartInfo StartInfo(string key, string commandLine)
    {
        IReadOnlyList<string> words;
        try
        {
            words = CommandLine.Split(commandLine);
        }
        catch (FormatException ex)
        {
            throw new ProvisioningException(
                $"{key} '{commandLine}' cannot be read: {ex.Message}", ex);
        }

        if (words.Count == 0)
        {
            throw new ProvisioningException(
                $"{key} is empty; set it to a command such as nginx -t");
        }

        var start = new ProcessStartInfo(words[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var word in words.Skip(1))
        {
            start.ArgumentList.Add(word);
        }

        return start;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            if (output.Length < OutputLimit * 4)
            {
                output.Append(line).Append('\n');
            }
        }
    }

    private static string Text(StringBuilder output)
    {
        string text;
        lock (output)
        {
            text = output.ToString().TrimEnd();
        }

        return text.Length <= OutputLimit ? text : "..." + text[^OutputLimit..];
    }
}

/// <summary>
/// How a command ended: its exit code and what it wrote, stdout and stderr together.
/// </summary>
public sealed record CommandResult(int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;
}
