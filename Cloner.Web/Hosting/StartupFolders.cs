using Cloner.Infrastructure;

namespace Cloner.Web.Hosting;

/// <summary>Creates DataDir, its logs folder and ClonesRoot; checks they are writable.</summary>
public static class StartupFolders
{
    public static void EnsureWritable(ClonerOptions options)
    {
        Ensure(options.DataDir, "Cloner:DataDir");
        Ensure(options.LogsDir, "Cloner:DataDir");
        Ensure(options.ClonesRoot, "Cloner:ClonesRoot");
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
