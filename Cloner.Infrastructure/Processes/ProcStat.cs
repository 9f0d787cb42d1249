using System.Buffers.Text;
using System.Text;

namespace Cloner.Infrastructure.Processes;

/// <summary>
/// The fields Cloner reads from one <c>/proc/&lt;pid&gt;/stat</c> line. The comm field sits in
/// parentheses and may itself hold spaces and parentheses, so the fields after it are counted
/// from the last closing parenthesis.
/// </summary>
public sealed record ProcStat(
    int Pid,
    string Comm,
    char State,
    int ParentPid,
    int ProcessGroup,
    int Session,
    long UserTicks,
    long SystemTicks,
    int Threads,
    long StartTicks,
    long ResidentPages)
{
    /// <summary>The last field read: rss.</summary>
    private const int LastField = 24;

    public long CpuTicks => UserTicks + SystemTicks;

    public bool IsZombie => State is 'Z' or 'X' or 'x';

    /// <summary>Parses one stat line; null when it is not one.</summary>
    public static ProcStat? Parse(string line) => Parse(Encoding.UTF8.GetBytes(line));

    /// <summary>
    /// Parses one stat line as read from the file, without cutting it into strings: the
    /// monitor reads every process on the server each round. Null when it is not one.
    /// </summary>
    public static ProcStat? Parse(ReadOnlySpan<byte> line)
    {
        var open = line.IndexOf((byte)'(');
        var close = line.LastIndexOf((byte)')');
        if (open <= 0 || close < open || !TryInt(line[..open].Trim(Separators), out var pid))
        {
            return null;
        }

        var fields = new Fields();
        var rest = line[(close + 1)..];
        for (var field = 3; field <= LastField; field++)
        {
            rest = rest.TrimStart(Separators);
            if (rest.IsEmpty)
            {
                return null;
            }

            var end = rest.IndexOfAny(Separators);
            var token = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[end..];
            if (!fields.Take(field, token))
            {
                return null;
            }
        }

        return new ProcStat(
            pid,
            Encoding.UTF8.GetString(line[(open + 1)..close]),
            fields.State,
            fields.ParentPid,
            fields.ProcessGroup,
            fields.Session,
            fields.UserTicks,
            fields.SystemTicks,
            fields.Threads,
            fields.StartTicks,
            fields.ResidentPages);
    }

    private static ReadOnlySpan<byte> Separators => " \n"u8;

    private static bool TryInt(ReadOnlySpan<byte> text, out int value) =>
        Utf8Parser.TryParse(text, out value, out var used) && used == text.Length;

    private static bool TryLong(ReadOnlySpan<byte> text, out long value) =>
        Utf8Parser.TryParse(text, out value, out var used) && used == text.Length;

    /// <summary>The fields after the comm, numbered as in proc(5).</summary>
    private ref struct Fields
    {
        public char State;
        public int ParentPid;
        public int ProcessGroup;
        public int Session;
        public long UserTicks;
        public long SystemTicks;
        public int Threads;
        public long StartTicks;
        public long ResidentPages;

        /// <summary>Keeps the field when Cloner reads it; false when it is malformed.</summary>
        public bool Take(int field, ReadOnlySpan<byte> token) => field switch
        {
            3 => TakeState(token),
            4 => TryInt(token, out ParentPid),
            5 => TryInt(token, out ProcessGroup),
            6 => TryInt(token, out Session),
            14 => TryLong(token, out UserTicks),
            15 => TryLong(token, out SystemTicks),
            20 => TryInt(token, out Threads),
            22 => TryLong(token, out StartTicks),
            24 => TryLong(token, out ResidentPages),
            _ => true,
        };

        private bool TakeState(ReadOnlySpan<byte> token)
        {
            if (token.Length != 1)
            {
                return false;
            }

            State = (char)token[0];
            return true;
        }
    }
}
