using Cloner.Domain.Blueprints;
using Cloner.Domain.Clones;
using Cloner.Domain.Live;
using Cloner.Domain.Provisioning;

namespace Cloner.Tests.Fakes;

/// <summary>A real <see cref="CloneService"/> over the fakes, with a blueprint shaped like the sample.</summary>
public sealed class FakeCloner
{
    public FakeCloner()
    {
        World.BlueprintList.Add(SampleBlueprint);
        var time = TimeProvider.System;
        Creator = new CloneCreator(Store, Store, Store, World, World, World, World, World, World, Feed, time);
        Remover = new CloneRemover(Store, Store, Store, World, World, World, World, Feed, time);
        Service = new CloneService(World, Store, Store, World, World, Creator, Remover, new CloneLocks());
    }

    public static Blueprint SampleBlueprint { get; } = new()
    {
        Name = "ego1",
        Title = "Ego1 chat bot",
        ClonePrefix = "bot",
        Folder = "/blueprints/ego1",
        Inputs =
        [
            new BlueprintInput("token", "Bot token", true, true, "^[A-Za-z0-9:_-]{10,200}$"),
            new BlueprintInput("session_id", "Session id", true, false, null),
            new BlueprintInput("session_id2", "Session id 2", false, false, null),
        ],
        Ports = [new PortSlot("http", 8100, 8999), new PortSlot("vk", 9100, 9999)],
        SchemaSql = "CREATE TABLE users (id INT PRIMARY KEY);",
        Env =
        [
            new EnvEntry("BOT_TOKEN", "{{ inputs.token }}"),
            new EnvEntry("PORT", "{{ ports.http }}"),
            new EnvEntry("DB_PASSWORD", "{{ db.password }}"),
            new EnvEntry("BOT_NUMBER", "{{ clone.number }}"),
        ],
        NginxTemplate = "location /{{ clone.name }}/ { proxy_pass http://127.0.0.1:{{ ports.http }}/; }",
        Components =
        [
            new ComponentSpec { Name = "bot", Command = "python3", Args = ["-u", "bot.py"], Autostart = true },
            new ComponentSpec { Name = "vk", Command = "python3", Args = ["-u", "vk.py"] },
        ],
    };

    public static Dictionary<string, string> GoodInputs => new()
    {
        ["token"] = "123456:ABCDEFGHIJ",
        ["session_id"] = "s-1",
    };

    public InMemoryStore Store { get; } = new();

    public FakeWorld World { get; } = new();

    public CloneFeed Feed { get; } = new();

    public CloneCreator Creator { get; }

    public CloneRemover Remover { get; }

    public CloneService Service { get; }

    public Task<CreateOutcome> CreateAsync(string? name = null, Dictionary<string, string>? inputs = null) =>
        Service.CreateAsync(new CreateCloneRequest("ego1", name, inputs ?? GoodInputs), CancellationToken.None);
}
