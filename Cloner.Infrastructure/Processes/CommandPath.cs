namespace Cloner.Infrastructure.Processes;

/// <summary>Finds the executable a component's command names, the way a shell would.</summary>
public static class CommandPath
{
    /// <summary>
    /// A command with a slash is taken relative to <paramref name="folder"/>; one without is
    /// looked up in each folder of <paramref name="path"/>. Null when nothing executable is there.
    /// </summary>
    public static string? Resolve(string command, string? path, string folder)
    {
        if (string.IsNullOrWhiteSpace(command) || command.Contains('\0'))
        {
            return null;
        }

        if (command.Contains('/'))
        {
            var full = Path.GetFullPath(command, folder);
            return IsExecutable(full) ? full : null;
        }

        foreach (var dir in (path ?? "/usr/local/bin:/usr/bin:/bin").Split(':'))
        {
            if (dir.Length == 0)
            {
                continue;
            }

            var candidate = Path.GetFullPath(Path.Combine(dir, command), folder);
            if (IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutable(string file)
    {
        const UnixFileMode anyExecute =
            UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        try
        {
            return !OperatingSystem.IsWindows() && File.Exists(file)
                && (File.GetUnixFileMode(file) & anyExecute) != 0;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
