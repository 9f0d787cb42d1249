using System.Globalization;
using Cloner.Domain.Clones;
using Cloner.Domain.Provisioning;
using Microsoft.Extensions.Logging;

namespace Cloner.Infrastructure.Provisioning;

/// <summary>
/// Installs a clone's vhost as <c>&lt;VhostsDir&gt;/&lt;clone&gt;.conf</c>, which the operator's
/// nginx includes with <c>include &lt;VhostsDir&gt;/*.conf;</c>. A new file is written under a
/// name that include does not match, moved into place and checked with the test command; a file
/// nginx rejects is taken back out again, so a broken vhost never waits for the next reload.
/// </summary>
public sealed class NginxRouteInstaller(ClonerOptions options, ILogger<NginxRouteInstaller> logger)
    : IRouteInstaller
{
    private const string TestKey = "Cloner:Nginx:TestCommand";
    private const string ReloadKey = "Cloner:Nginx:ReloadCommand";
    private const string TimeoutKey = "Cloner:Nginx:CommandTimeoutSeconds";

    // Every nginx change in this process goes through this one lock, whichever instance makes it:
    // two installs tested at once would each see the other's half-done file.
    private static readonly SemaphoreSlim _nginxLock = new(1, 1);

    public string? NotConfiguredReason =>
        options.NginxVhostsDir is null ? "Cloner:Nginx:VhostsDir is not set" : null;

    // A test or reload command that hangs holds every nginx change of this Cloner (and the
    // create or delete that runs it) until it is killed after this long.
    private TimeSpan CommandTimeout => options.NginxCommandTimeout;

    public async Task InstallAsync(string clone, string vhost, IProgress<string> progress,
        CancellationToken cancellationToken)
    {
        var path = VhostPath(clone);
        await _nginxLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(VhostsDir);
            var previous = File.Exists(path)
                ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)
                : null;

            await PlaceAsync(clone, path, vhost).ConfigureAwait(false);
            progress.Report($"wrote {path}; running the nginx test");

            var test = await TestPlacedAsync(clone, path, previous).ConfigureAwait(false);
            if (test.Succeeded)
            {
                logger.LogInformation("Installed the vhost of {Clone} at {Path}", clone, path);
                return;
            }

            await PutBackAsync(clone, path, previous).ConfigureAwait(false);
            var retest = await TestAsync().ConfigureAwait(false);
            logger.LogWarning(
                "nginx rejected the vhost of {Clone}; {Restored}, and the test then {Retest}",
                clone, previous is null ? "removed it" : "restored the previous file",
                retest.Succeeded ? "passed" : "still failed");

            throw new ProvisioningException(
                $"nginx rejected the vhost of {clone}, so it was " +
                (previous is null ? "removed" : "replaced by the one there before") +
                (retest.Succeeded ? "" : " (nginx still fails its test without it: " +
                    $"{retest.Output})") +
                $"; fix the blueprint's nginx template. nginx said: {test.Output}");
        }
        finally
        {
            _nginxLock.Release();
        }
    }

    public async Task RemoveAsync(string clone, IProgress<string> progress,
        CancellationToken cancellationToken)
    {
        var path = VhostPath(clone);
        await _nginxLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (File.Exists(path))
            {
                File.Delete(path);
                logger.LogInformation("Removed the vhost of {Clone} at {Path}", clone, path);
                progress.Report($"removed {path}; running the nginx test");
            }

            var test = await TestAsync().ConfigureAwait(false);
            if (!test.Succeeded)
            {
                throw new ProvisioningException(
                    $"the vhost of {clone} is removed, but nginx still fails its test: " +
                    $"{test.Output}; fix the nginx configuration before reloading");
            }
        }
        finally
        {
            _nginxLock.Release();
        }
    }

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await _nginxLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var reload = await RunReloadAsync().ConfigureAwait(false);
            if (!reload.Succeeded)
            {
                throw new ProvisioningException(ReloadFailure(reload));
            }

            logger.LogInformation("Reloaded nginx");
        }
        finally
        {
            _nginxLock.Release();
        }
    }

    public bool Exists(string clone) => File.Exists(VhostPath(clone));

    /// <summary>
    /// Whether a failed reload's output says there is no nginx to reload: nginx's own
    /// <c>-s reload</c> cannot open its pid file (nginx stopped cleanly) or finds no process
    /// under the pid in it (nginx was killed); systemctl says the unit is not active.
    /// </summary>
    public static bool SaysNginxIsNotRunning(string output) =>
        (output.Contains("open()", StringComparison.Ordinal)
            && output.Contains(".pid\" failed", StringComparison.Ordinal))
        || output.Contains("No such process", StringComparison.Ordinal)
        || output.Contains("invalid PID number", StringComparison.Ordinal)
        || output.Contains("is not active, cannot reload", StringComparison.Ordinal);

    /// <summary>
    /// Tests a just placed vhost; a test that hangs or cannot start puts back what was there
    /// before it throws, since nginx never said it accepts the file.
    /// </summary>
    private async Task<CommandResult> TestPlacedAsync(
        string clone,
        string path,
        string? previous)
    {
        try
        {
            return await TestAsync().ConfigureAwait(false);
        }
        catch (ProvisioningException ex)
        {
            await PutBackAsync(clone, path, previous).ConfigureAwait(false);
            logger.LogWarning(
                "The nginx test of the vhost of {Clone} did not run to the end; {Restored}",
                clone, previous is null ? "removed it" : "restored the previous file");
            throw new ProvisioningException(
                $"the vhost of {clone} was not checked, so it was " +
                (previous is null ? "removed" : "replaced by the one there before") +
                $": {ex.Message}", ex);
        }
    }

    private Task<CommandResult> RunReloadAsync() =>
        RunAsync(ReloadKey, options.NginxReloadCommand,
            "nginx may still serve the routes it had before");

    private Task<CommandResult> TestAsync() =>
        RunAsync(TestKey, options.NginxTestCommand,
            "nginx did not say whether it accepts the vhosts");

    /// <summary>
    /// Runs a configured nginx command; one that hangs is killed after
    /// <see cref="CommandTimeout"/> with an error naming the command's key and the timeout's.
    /// </summary>
    private async Task<CommandResult> RunAsync(string key, string commandLine, string consequence)
    {
        try
        {
            return await ExternalCommand.RunAsync(key, commandLine,
                CommandTimeout, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ProvisioningException ex) when (ex.InnerException is TimeoutException)
        {
            var seconds = CommandTimeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
            throw new ProvisioningException(
                $"{key} '{commandLine}' did not finish within {seconds} s " +
                $"({TimeoutKey}) and was killed, so {consequence}; check that nginx answers " +
                $"and that {key} returns within {seconds} s (or raise {TimeoutKey}), " +
                "then try again", ex);
        }
    }

    private string ReloadFailure(CommandResult reload)
    {
        var ran = $"{ReloadKey} '{options.NginxReloadCommand}' failed with exit code " +
            $"{reload.ExitCode}: {reload.Output}";
        if (SaysNginxIsNotRunning(reload.Output))
        {
            return "nginx is not running, so it could not be reloaded (" + ran + "); " +
                "start nginx (it reads the vhosts as they are now), then try again";
        }

        return ran + "; fix what nginx says, then try again";
    }

    private string VhostsDir => options.NginxVhostsDir
        ?? throw new ProvisioningException("Cloner:Nginx:VhostsDir is not set");

    private string VhostPath(string clone)
    {
        if (CloneName.Problem(clone) is { } problem)
        {
            throw new ProvisioningException($"'{clone}' is not a clone name: {problem}");
        }

        return Path.Combine(VhostsDir, clone + ".conf");
    }

    // The temporary name starts with '.' and ends in .tmp, so nginx's *.conf include never
    // picks up a half-written file.
    private static string TemporaryPath(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + ".tmp");

    private static async Task PlaceAsync(string clone, string path, string content)
    {
        var temporary = TemporaryPath(path);
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
            await using (var writer = new StreamWriter(stream))
            {
                await writer.WriteAsync(content).ConfigureAwait(false);
                await writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new ProvisioningException(
                $"cannot write the vhost of {clone} to {path}: {ex.Message}", ex);
        }
    }

    private static async Task PutBackAsync(string clone, string path, string? previous)
    {
        if (previous is null)
        {
            File.Delete(path);
            return;
        }

        await PlaceAsync(clone, path, previous).ConfigureAwait(false);
    }
}
