using Cloner.Domain.Clones;
using Cloner.Domain.Processes;
using Cloner.Domain.Provisioning;
using Cloner.Domain.Storage;

namespace Cloner.Tests.Storage;

/// <summary>Records to store, and comparisons that look inside their maps and lists.</summary>
internal static class StoreSamples
{
    /// <summary>A time with an offset and whole milliseconds, which every store keeps.</summary>
    public static readonly DateTimeOffset Noon =
        new(2026, 3, 4, 12, 0, 0, 123, TimeSpan.FromHours(2));

    public static Clone Clone(string name, int number = 7) => new()
    {
        Name = name,
        Blueprint = "ego1",
        Number = number,
        Status = CloneStatus.Ready,
        StatusReason = "made by the contract",
        Inputs = new Dictionary<string, string>
        {
            ["session_id"] = "s-1",
            ["session_id2"] = "ü ' \" x",
        },
        Ports = new Dictionary<string, int>
        {
            ["http"] = 8107,
            ["vk"] = 9107,
            ["websocket"] = 10107,
        },
        Folder = $"/srv/bots/{name}",
        DatabaseName = name.Replace('-', '_'),
        DatabaseUser = name.Replace('-', '_'),
        Made = new CloneResources { Database = true, Folder = true },
        CreatedAt = Noon,
        UpdatedAt = Noon.AddMinutes(5),
    };

    public static StepEvent Step(
        string clone,
        long sequence,
        StepEventKind kind = StepEventKind.Succeeded) =>
        new(
            clone,
            sequence,
            Operations.Create,
            "files",
            kind,
            $"event {sequence}",
            sequence * 10,
            Noon.AddSeconds(sequence));

    public static ComponentRecord Component(string clone, string component) => new()
    {
        CloneName = clone,
        Component = component,
        State = ComponentState.Running,
        WantedRunning = true,
        Pid = 4242,
        ProcessStartTicks = 9_876_543_210L,
        CommandLine = "python3 -u bot.py",
        StartedAt = Noon,
        ExitCode = null,
        Restarts = 2,
        Message = "up",
        UpdatedAt = Noon.AddSeconds(1),
    };

    public static UserAccount User(string name) => new()
    {
        Id = $"id-{name}",
        UserName = name,
        NormalizedUserName = name.ToUpperInvariant(),
        PasswordHash = "AQAAAAIAAYagAAAAE-hash",
        SecurityStamp = "stamp",
        ConcurrencyStamp = "concurrency",
        LockoutEnabled = true,
        LockoutEnd = null,
        AccessFailedCount = 0,
        Roles = ["admin"],
        CreatedAt = Noon,
    };

    public static void AssertSame(Clone expected, Clone? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Inputs = actual.Inputs, Ports = actual.Ports }, actual);
        Assert.Equal(Sorted(expected.Inputs), Sorted(actual.Inputs));
        Assert.Equal(Sorted(expected.Ports), Sorted(actual.Ports));
        Assert.Equal(TimeSpan.Zero, actual.CreatedAt.Offset);
    }

    public static void AssertSame(UserAccount expected, UserAccount? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Roles = actual.Roles }, actual);
        Assert.Equal(expected.Roles, actual.Roles);
    }

    private static List<KeyValuePair<string, TValue>> Sorted<TValue>(
        IReadOnlyDictionary<string, TValue> map) =>
        [.. map.OrderBy(p => p.Key, StringComparer.Ordinal)];
}
