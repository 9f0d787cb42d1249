using Cloner.Tests.TestHost;

namespace Cloner.Tests.Recovery;

/// <summary>
/// One data folder, clones root and blueprints folder that every Cloner of the kill-after-step
/// runs works on in turn, with one "other" clone made once by a Cloner without fault
/// injection; each run's recovery must leave that clone whole. Disposing deletes the other
/// clone through a last Cloner and removes the folder.
/// </summary>
public sealed class KillAfterStepData : IAsyncLifetime
{
    private readonly string _tag =
        string.Concat(Enumerable.Range(0, 4).Select(_ => (char)('a' + Random.Shared.Next(26))));

    private int _names;
    private LiveServers? _servers;
    private (string Name, int Port)? _other;

    public string Root { get; } = Directory.CreateTempSubdirectory("cloner-recovery-").FullName;

    public string DataDir => Path.Combine(Root, "data");

    public string ClonesRoot => Path.Combine(Root, "bots");

    public string BlueprintsDir => Path.Combine(Root, "blueprints");

    public string AdminPassword { get; } = "Rec0very!" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A clone name no earlier run of the tests used, like rkabcd3b.</summary>
    public string NewName(string suffix) =>
        $"rk{_tag}{Interlocked.Increment(ref _names)}{suffix}";

    /// <summary>
    /// Starts a Cloner on the shared folders; <paramref name="killAfterStep"/> sets
    /// Cloner:FaultInjection:KillAfterStep.
    /// </summary>
    public Task<ClonerHost> StartAsync(LiveServers servers, string? killAfterStep) =>
        ClonerHost.StartAsync(servers, env =>
        {
            env["Cloner__DataDir"] = DataDir;
            env["Cloner__ClonesRoot"] = ClonesRoot;
            env["Cloner__BlueprintsDir"] = BlueprintsDir;
            env["Cloner__Admin__Password"] = AdminPassword;
            env["Cloner__FaultInjection__KillAfterStep"] = killAfterStep;
        });

    public Task<ClonerApi> SignInAsync(ClonerHost host) =>
        new ClonerApi(host.BaseUri, ClonerHost.AdminUserName, AdminPassword).SignInAsync();

    /// <summary>The other clone and its http port, made on first use.</summary>
    public async Task<(string Name, int Port)> OtherAsync(LiveServers servers)
    {
        if (_other is { } made)
        {
            return made;
        }

        CopyFolder(Path.Combine(RepoLayout.SampleBlueprints, "ego1"),
            Path.Combine(BlueprintsDir, "ego1"));
        _servers = servers;
        var name = NewName("o");
        await using var host = await StartAsync(servers, killAfterStep: null);
        using var api = await SignInAsync(host);
        var clone = await api.CreateSampleAsync(name);
        await api.WaitForStateAsync(name, "bot", "Running");
        _other = (name, ClonerApi.Port(clone, "http"));
        return _other.Value;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_servers is not null && _other is { } other)
        {
            await using var host = await StartAsync(_servers, killAfterStep: null);
            using var api = await SignInAsync(host);
            await api.DeleteOkAsync(other.Name);
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A component may still be writing a log; the temp folder is left for the OS.
        }
    }

    private static void CopyFolder(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }

        foreach (var folder in Directory.GetDirectories(source))
        {
            if (Path.GetFileName(folder) is not ("__pycache__" or "logs"))
            {
                CopyFolder(folder, Path.Combine(target, Path.GetFileName(folder)));
            }
        }
    }
}
