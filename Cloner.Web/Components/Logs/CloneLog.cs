using Cloner.Domain.Processes;

namespace Cloner.Web.Components.Logs;

/// <summary>
/// The log lines one clone page keeps: a bounded buffer per component and a merged one in
/// order of arrival. While paused, new lines wait in a bounded pending list and are counted;
/// resuming appends them. A line already kept (by its number) is not kept twice.
/// </summary>
/// <remarks>
/// The bounds are a fixed <see cref="Capacity"/>, not a setting. A pause longer than that
/// many lines loses the oldest waiting lines from the view (they stay in the log file, which
/// the download button returns whole); <see cref="PendingLost"/> counts them.
/// </remarks>
public sealed class CloneLog
{
    public const int Capacity = 10_000;

    private readonly Dictionary<string, List<ShownLine>> _byComponent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastNumber = new(StringComparer.Ordinal);
    private readonly List<ShownLine> _merged = [];
    private readonly List<ShownLine> _pending = [];
    private readonly int _capacity;

    public CloneLog(int capacity = Capacity)
    {
        _capacity = capacity;
    }

    public bool Paused { get; private set; }

    /// <summary>Lines that arrived during the pause and wait to be shown.</summary>
    public int PendingCount => _pending.Count + (int)PendingLost;

    /// <summary>Lines that arrived during the pause and no longer fit the pending buffer.</summary>
    public long PendingLost { get; private set; }

    /// <summary>The kept lines of one component, or of all when it is null.</summary>
    public IReadOnlyList<ShownLine> Lines(string? component) =>
        component is null
            ? _merged
            : _byComponent.TryGetValue(component, out var lines) ? lines : [];

    /// <summary>Replaces everything with the components' backlogs, merged by time.</summary>
    public void Load(IEnumerable<(string Component, IReadOnlyList<LogLine> Lines)> backlogs)
    {
        _byComponent.Clear();
        _lastNumber.Clear();
        _merged.Clear();
        _pending.Clear();
        PendingLost = 0;
        foreach (var (component, lines) in backlogs)
        {
            var fresh = Fresh(component, lines).ToList();
            Keep(Of(component), fresh);
            _merged.AddRange(fresh);
        }

        _merged.Sort((a, b) => a.Line.At.CompareTo(b.Line.At));
        Trim(_merged);
    }

    /// <summary>Appends lines that arrived live; during a pause they wait.</summary>
    public void Append(string component, IReadOnlyList<LogLine> lines)
    {
        var fresh = Fresh(component, lines).ToList();
        if (Paused)
        {
            _pending.AddRange(fresh);
            if (_pending.Count > _capacity)
            {
                var over = _pending.Count - _capacity;
                _pending.RemoveRange(0, over);
                PendingLost += over;
            }

            return;
        }

        Show(fresh);
    }

    public void Pause() => Paused = true;

    /// <summary>Shows the lines that waited; returns how many arrived during the pause.</summary>
    public int Resume()
    {
        var arrived = PendingCount;
        Paused = false;
        Show(_pending);
        _pending.Clear();
        PendingLost = 0;
        return arrived;
    }

    private void Show(List<ShownLine> fresh)
    {
        foreach (var group in fresh.GroupBy(l => l.Component))
        {
            Keep(Of(group.Key), group);
        }

        _merged.AddRange(fresh);
        Trim(_merged);
    }

    private IEnumerable<ShownLine> Fresh(string component, IReadOnlyList<LogLine> lines)
    {
        var last = _lastNumber.GetValueOrDefault(component, long.MinValue);
        foreach (var line in lines)
        {
            if (line.Number > last)
            {
                last = line.Number;
                yield return new ShownLine(component, line);
            }
        }

        _lastNumber[component] = last;
    }

    private List<ShownLine> Of(string component)
    {
        if (!_byComponent.TryGetValue(component, out var lines))
        {
            _byComponent[component] = lines = [];
        }

        return lines;
    }

    private void Keep(List<ShownLine> kept, IEnumerable<ShownLine> lines)
    {
        kept.AddRange(lines);
        Trim(kept);
    }

    private void Trim(List<ShownLine> lines)
    {
        if (lines.Count > _capacity)
        {
            lines.RemoveRange(0, lines.Count - _capacity);
        }
    }
}
