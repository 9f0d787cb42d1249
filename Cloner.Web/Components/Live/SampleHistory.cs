using Cloner.Domain.Processes;

namespace Cloner.Web.Components.Live;

/// <summary>
/// The CPU and memory samples one page draws sparklines from: seeded from the monitor's
/// 10-minute history the first time a component is asked for, then fed by
/// <c>SampleTaken</c>. Each component keeps at most <see cref="Capacity"/> samples.
/// </summary>
public sealed class SampleHistory(Func<string, string, IReadOnlyList<ResourceSample>> seed)
{
    /// <summary>Ten minutes at one sample a second, as the monitor keeps.</summary>
    public const int Capacity = 600;

    /// <summary>How old the last sample may be and still count as current.</summary>
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(5);

    private readonly Dictionary<(string, string), List<ResourceSample>> _samples = [];

    public IReadOnlyList<ResourceSample> Of(string clone, string component)
    {
        if (!_samples.TryGetValue((clone, component), out var samples))
        {
            _samples[(clone, component)] = samples = [.. seed(clone, component).TakeLast(Capacity)];
        }

        return samples;
    }

    public void Add(string clone, string component, ResourceSample sample)
    {
        var samples = (List<ResourceSample>)Of(clone, component);
        if (samples.Count > 0 && samples[^1].At >= sample.At)
        {
            return;
        }

        samples.Add(sample);
        if (samples.Count > Capacity)
        {
            samples.RemoveRange(0, samples.Count - Capacity);
        }
    }

    /// <summary>The last sample when it is recent, else null.</summary>
    public ResourceSample? Latest(string clone, string component, DateTimeOffset now)
    {
        var samples = Of(clone, component);
        return samples.Count > 0 && now - samples[^1].At <= Fresh ? samples[^1] : null;
    }
}
