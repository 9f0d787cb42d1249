using System.Globalization;
using Cloner.Domain.Processes;

namespace Cloner.Infrastructure.Processes;

/// <summary>
/// The log relay of one output stream of a component: runit's <c>svlogd</c>, in a session of
/// its own, reads the stream's pipe and writes <c>current</c> in the stream's folder with a
/// UTC time stamp on each line (<c>-tt</c>), rotating it at 10 MB and keeping 5 old files
/// (the folder's <c>config</c>). It does not depend on Cloner: it ends at EOF, once every
/// process that holds the pipe's write end is gone.
/// </summary>
public static class LogRelay
{
    public const string Package = "runit";

    public const string CurrentFile = "current";

    /// <summary>svlogd's config: rotate at 10 MB, keep 5 rotated files.</summary>
    public const string Config = "s10485760\nn5\n";

    /// <summary>"2025-01-31_12:00:00.12345 ", svlogd's -tt stamp and the space after it.</summary>
    public const int StampLength = 26;

    /// <summary>How much a relay reads and writes at once: its <c>svlogd -b</c>.</summary>
    public const long BufferBytes = 128 * 1024;

    private const string StampFormat = "yyyy-MM-dd_HH:mm:ss.fffff";

    private static readonly Dictionary<string, string> _environment = new()
    {
        ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ["LANG"] = "C.UTF-8",
    };

    /// <summary>svlogd's full path, or null when runit is not installed.</summary>
    public static string? Find() =>
        CommandPath.Resolve("svlogd",
            Environment.GetEnvironmentVariable("PATH") + ":/usr/bin:/bin", "/");

    /// <summary>
    /// Writes the folder and its config, then starts svlogd on it with
    /// <paramref name="readEnd"/> as its stdin. Returns its pid.
    /// </summary>
    public static int Start(string svlogd, string folder, int readEnd)
    {
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, "config");
        try
        {
            if (!File.Exists(config) || File.ReadAllText(config) != Config)
            {
                File.WriteAllText(config, Config);
            }
        }
        catch (IOException ex) when (LogDisk.IsNoSpace(ex))
        {
            // A full logs disk must not keep a component from starting: without its config
            // svlogd keeps its defaults (rotate at 1 MB, keep 10) until the next start.
            LogDisk.ReportNoSpace(config);
            TryDelete(config);
        }

        // -b: read and write 128 KiB at a time, so a flood of output costs few system calls.
        return PosixSpawn.Spawn(svlogd, ["svlogd", "-tt", "-b", $"{BufferBytes}", folder],
            _environment, folder, stdin: readEnd, stdout: -1, stderr: -1);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // An empty config is what svlogd reads as its defaults too.
        }
    }

    /// <summary>The svlogd stamp of a line, without the space; null when it has none.</summary>
    public static string? StampOf(string line) =>
        line.Length >= StampLength && line[StampLength - 1] == ' '
            && DateTimeOffset.TryParseExact(line.AsSpan(0, StampLength - 1), StampFormat,
                CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)
            ? line[..(StampLength - 1)]
            : null;

    /// <summary>
    /// A line of <c>current</c> without its end: the stamp, then the component's text.
    /// A line without a stamp keeps all its text and the minimum time.
    /// </summary>
    public static (DateTimeOffset At, string Text) Parse(string line)
    {
        if (line.Length >= StampLength && line[StampLength - 1] == ' '
            && DateTimeOffset.TryParseExact(line.AsSpan(0, StampLength - 1), StampFormat,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return (at, line[StampLength..]);
        }

        return (DateTimeOffset.MinValue, line);
    }

    /// <summary>
    /// The last complete lines of a relay's file among its first <paramref name="upTo"/>
    /// bytes, oldest first and numbered from 1; empty when there is no file.
    /// </summary>
    public static IReadOnlyList<LogLine> ReadTail(
        string path, int count, bool isError, long upTo = long.MaxValue)
    {
        if (count <= 0)
        {
            return [];
        }

        var framer = new LineFramer();
        var lines = new Queue<string>(Math.Min(count, 4096));
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read,
                FileShare.ReadWrite | FileShare.Delete);
            var chunk = new byte[128 * 1024];
            var left = upTo;
            int read;
            while (left > 0
                && (read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, left))) > 0)
            {
                left -= read;
                framer.Push(chunk.AsSpan(0, read));
                foreach (var text in framer.TakeLines())
                {
                    if (lines.Count == count)
                    {
                        lines.Dequeue();
                    }

                    lines.Enqueue(text);
                }
            }
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }

        return lines.Select((text, i) =>
        {
            var (at, body) = Parse(text);
            return new LogLine(i + 1, at, isError, body);
        }).ToList();
    }
}
