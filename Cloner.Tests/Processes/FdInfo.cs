namespace Cloner.Tests.Processes;

/// <summary>The <c>/proc/self/fdinfo</c> text of each descriptor this test process holds.</summary>
internal static class FdInfo
{
    /// <summary>One text per open descriptor; one closed while it is read is left out.</summary>
    public static IEnumerable<string> OfThisProcess()
    {
        foreach (var info in Directory.EnumerateFiles("/proc/self/fdinfo"))
        {
            string text;
            try
            {
                text = File.ReadAllText(info);
            }
            catch (IOException)
            {
                continue;
            }

            yield return text;
        }
    }
}
