namespace Cloner.Tests.Blueprints;

/// <summary>Finds this checkout's <c>samples/blueprints</c> from the test output.</summary>
public static class SampleBlueprintFolder
{
    public static string BlueprintsDir { get; } = Find();

    public static string Ego1 => Path.Combine(BlueprintsDir, "ego1");

    /// <summary>Copies the sample into a temp folder, so a test's .env stays there.</summary>
    public static string CopyEgo1To(string parent)
    {
        var target = Path.Combine(parent, "ego1");
        foreach (var file in Directory.EnumerateFiles(Ego1, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Ego1, file);
            if (relative.Contains("__pycache__", StringComparison.Ordinal))
            {
                continue;
            }

            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    private static string Find()
    {
        var start = new DirectoryInfo(AppContext.BaseDirectory);
        for (var dir = start; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "blueprints");
            if (File.Exists(Path.Combine(candidate, "ego1", "blueprint.yaml")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"samples/blueprints/ego1 was not found above {AppContext.BaseDirectory}");
    }
}
