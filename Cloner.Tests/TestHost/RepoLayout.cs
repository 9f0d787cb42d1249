namespace Cloner.Tests.TestHost;

/// <summary>
/// Where the repository and the built Cloner.Web are, found from the test assembly's path.
/// </summary>
public static class RepoLayout
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the folder above net10.0 in the test assembly's path.</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;

    public static string WebProject => Path.Combine(Root, "Cloner.Web");

    public static string WebDll =>
        Path.Combine(WebProject, "bin", Configuration, "net10.0", "Cloner.Web.dll");

    public static string SampleBlueprints => Path.Combine(Root, "samples", "blueprints");

    public static string TestBlueprints => Path.Combine(Root, "Cloner.Tests", "TestBlueprints");

    /// <summary>
    /// Where screenshots and other artifacts go: CLONER_TEST_RESULTS or TestResults/.
    /// </summary>
    public static string ResultsDir =>
        Environment.GetEnvironmentVariable("CLONER_TEST_RESULTS") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Root, "TestResults");

    private static string FindRoot()
    {
        var start = new DirectoryInfo(AppContext.BaseDirectory);
        for (var dir = start; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cloner.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No Cloner.sln above {AppContext.BaseDirectory}; run the tests from the repository");
    }
}
