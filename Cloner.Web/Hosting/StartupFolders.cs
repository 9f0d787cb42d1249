using Cloner.Infrastructure;

namespace Cloner.Web.Hosting;

/// <summary>
/// Creates DataDir, its logs folder and ClonesRoot; checks they are writable; and locks DataDir
/// so that a second Cloner on it stops before it touches a component.
/// </summary>
public static class StartupFolders
{
    public const string LockFileName = "cloner.lock";

    public static void EnsureWritable(ClonerOptions options)
    {
        Ensure(options.DataDir, "Cloner:DataDir");
        Ensure(options.LogsDir, "Cloner:DataDir");
        Ensure(options.ClonesRoot, "Cloner:ClonesRoot");
    }

    /// <summary>
    /// Holds an exclusive lock on <c>DataDir/cloner.lock</c> until the stream is disposed; the
    /// lock ends with the process, however it ends. Throws when another Cloner holds it.
    /// </summary>
    public static FileStream LockDataDir(ClonerOptions options)
    {
        var path = Path.Combine(options.DataDir, LockFileName);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite,
                FileShare.None);
            stream.SetLength(0);
            var pid = System.Text.Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n");
            stream.Write(pid);
            stream.Flush();
            return stream;
        }
        catch (IOException ex)
        {
            throw new ClonerConfigurationException("Cloner:DataDir",
                $"another Cloner already runs on '{options.DataDir}' ({ex.Message}); stop " +
                "it first, or give this one a DataDir of its own");
        }
    }

    private static void Ensure(string folder, string key)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".cloner-write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClonerConfigurationException(key,
                $"Cloner cannot create or write to '{folder}' ({ex.Message}); " +
                "make it writable for the user Cloner runs as, or point the setting elsewhere");
        }
    }
}
