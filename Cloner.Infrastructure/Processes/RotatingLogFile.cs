using System.Globalization;
using System.Text;
using Cloner.Domain.Processes;

namespace Cloner.Infrastructure.Processes;

/// <summary>
/// One component's log file. Lines are written as <c>&lt;time&gt; out|err &lt;text&gt;</c>;
/// before a write would take the file past <see cref="MaxBytes"/> it becomes <c>.1</c>, the
/// older backups move up one and the one past <see cref="Backups"/> is deleted. The file is
/// open only while a write lasts, so it costs no descriptor between writes.
/// </summary>
public sealed class RotatingLogFile
{
    public const long DefaultMaxBytes = 10L * 1024 * 1024;

    public const int DefaultBackups = 5;

    private static readonly Encoding _utf8 = new UTF8Encoding(false);

    private readonly Lock _gate = new();

    public RotatingLogFile(
        string path, long maxBytes = DefaultMaxBytes, int backups = DefaultBackups)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(backups, 0);
        Path = path;
        MaxBytes = maxBytes;
        Backups = backups;
    }

    public string Path { get; }

    public long MaxBytes { get; }

    public int Backups { get; }

    /// <summary>
    /// Appends the lines, flushes them and closes the file. When that fails (a full disk, say)
    /// the exception passes on, and what could not be flushed is lost.
    /// </summary>
    public void Write(IReadOnlyList<LogLine> lines)
    {
        lock (_gate)
        {
            var stream = Open();
            try
            {
                foreach (var line in lines)
                {
                    var bytes = _utf8.GetBytes(Format(line));
                    if (stream.Length > 0 && stream.Length + bytes.Length > MaxBytes)
                    {
                        stream.Dispose();
                        Rotate();
                        stream = Open();
                    }

                    stream.Write(bytes);
                }

                stream.Flush();
            }
            finally
            {
                CloseAfterFailure(stream);
            }
        }
    }

    public static string Format(LogLine line) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{line.At.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ} {(line.IsError ? "err" : "out")} "
            + $"{line.Text}\n");

    /// <summary>
    /// Reads back the last lines of a log file, oldest first; empty when there is none.
    /// </summary>
    public static IReadOnlyList<LogLine> ReadTail(string path, int count)
    {
        if (count <= 0 || !File.Exists(path))
        {
            return [];
        }

        var lines = new Queue<string>(count);
        using (var reader = new StreamReader(
            new FileStream(path, FileMode.Open, FileAccess.Read,
                FileShare.ReadWrite | FileShare.Delete),
            _utf8))
        {
            while (reader.ReadLine() is { } text)
            {
                if (lines.Count == count)
                {
                    lines.Dequeue();
                }

                lines.Enqueue(text);
            }
        }

        return lines.Select((text, i) => Parse(text, i + 1)).ToList();
    }

    private static LogLine Parse(string text, long number)
    {
        // "2025-01-31T12:00:00.000Z out text"
        if (text.Length >= 29 && text[24] == ' ' && text[28] == ' '
            && DateTimeOffset.TryParseExact(text[..24], "yyyy-MM-ddTHH:mm:ss.fffZ",
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return new LogLine(number, at, text.AsSpan(25, 3) is "err", text[29..]);
        }

        return new LogLine(number, DateTimeOffset.MinValue, false, text);
    }

    /// <summary>
    /// Closes the file; after a failed write its last flush fails again, and the handle is
    /// closed all the same (the write's own exception is the one that passes on).
    /// </summary>
    private static void CloseAfterFailure(FileStream stream)
    {
        try
        {
            stream.Dispose();
        }
        catch (IOException)
        {
            // Only when the write failed already; see above.
        }
    }

    private FileStream Open()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        return new FileStream(Path, FileMode.Append, FileAccess.Write,
            FileShare.ReadWrite | FileShare.Delete);
    }

    private void Rotate()
    {
        var oldest = Backup(Backups);
        if (Backups == 0 || File.Exists(oldest))
        {
            File.Delete(Backups == 0 ? Path : oldest);
        }

        for (var n = Backups - 1; n >= 1; n--)
        {
            if (File.Exists(Backup(n)))
            {
                File.Move(Backup(n), Backup(n + 1), overwrite: true);
            }
        }

        if (Backups > 0 && File.Exists(Path))
        {
            File.Move(Path, Backup(1), overwrite: true);
        }
    }

    private string Backup(int n) => Path + "." + n.ToString(CultureInfo.InvariantCulture);
}
