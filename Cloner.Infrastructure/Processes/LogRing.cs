using Cloner.Domain.Processes;

namespace Cloner.Infrastructure.Processes;

/// <summary>
/// The most recent lines of one component, at most <see cref="Capacity"/> of them
/// (Cloner:LogRingLines); the oldest line goes when a new one comes. Safe to use from the
/// log writer and from readers at once.
/// </summary>
public sealed class LogRing
{
    private readonly Lock _gate = new();
    private readonly LogLine[] _lines;
    private int _start;
    private int _count;

    public LogRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _lines = new LogLine[capacity];
    }

    public int Capacity => _lines.Length;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public void Add(IEnumerable<LogLine> lines)
    {
        lock (_gate)
        {
            foreach (var line in lines)
            {
                var end = (_start + _count) % _lines.Length;
                _lines[end] = line;
                if (_count < _lines.Length)
                {
                    _count++;
                }
                else
                {
                    _start = (_start + 1) % _lines.Length;
                }
            }
        }
    }

    /// <summary>The last <paramref name="count"/> lines, oldest first.</summary>
    public IReadOnlyList<LogLine> Tail(int count)
    {
        lock (_gate)
        {
            var take = Math.Clamp(count, 0, _count);
            var result = new LogLine[take];
            for (var i = 0; i < take; i++)
            {
                result[i] = _lines[(_start + _count - take + i) % _lines.Length];
            }

            return result;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            Array.Clear(_lines);
            _start = 0;
            _count = 0;
        }
    }
}
