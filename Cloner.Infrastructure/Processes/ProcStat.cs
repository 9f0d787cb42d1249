using System.Globalization;

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
    public long CpuTicks => UserTicks + SystemTicks;

    public bool IsZombie => State is 'Z' or 'X' or 'x';

    /// <summary>Parses one stat line; null when it is not one.</summary>
    public static ProcStat? Parse(string line)
    {
        var open = line.IndexOf('(', StringComparison.Ordinal);
        var close = line.LastIndexOf(')');
        if (open <= 0 || close < open)
        {
            return null;
        }

        // After the comm: field 3 (state) is rest[0], so field n is rest[n - 3].
        var rest = line[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length < 22 || rest[0].Length != 1
            || !int.TryParse(line.AsSpan(0, open).Trim(), CultureInfo.InvariantCulture,
                out var pid))
        {
            return null;
        }

        try
        {
            return new ProcStat(
                pid,
                line[(open + 1)..close],
                rest[0][0],
                Int(rest[4 - 3]),
                Int(rest[5 - 3]),
                Int(rest[6 - 3]),
                Long(rest[14 - 3]),
                Long(rest[15 - 3]),
                Int(rest[20 - 3]),
                Long(rest[22 - 3]),
                Long(rest[24 - 3]));
        }
        catch (FormatException)
        {
            return null;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static long Long(string text) => long.Parse(text, CultureInfo.InvariantCulture);
}
