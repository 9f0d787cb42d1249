using Bunit;
using Cloner.Domain.Blueprints;
using Cloner.Domain.Clones;
using Cloner.Domain.Live;
using Cloner.Domain.Processes;
using Cloner.Domain.Provisioning;
using Cloner.Domain.Storage;
using Microsoft.AspNetCore.Components;
using Cloner.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace Cloner.Tests.Web.Components.Fakes;

/// <summary>
/// A bUnit context with MudBlazor's services, loose JS interop and a real
/// <see cref="CloneService"/> (with its real creator and remover) over in-memory fakes.
/// </summary>
public class DashboardContext : BunitContext, IAsyncLifetime
{
    public DashboardContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        UseViewport(Breakpoint.Lg, 1280);

        Supervisor = new FakeSupervisor(Feed);
        var time = TimeProvider.System;
        var creator = new CloneCreator(Store, Claims, StepEvents, new UnconfiguredDatabase(),
            new UnconfiguredRoutes(), Folders, new VerbatimTemplates(), new NoPortInUse(),
            Supervisor, Feed, time);
        var remover = new CloneRemover(Store, Claims, StepEvents, new UnconfiguredDatabase(),
            new UnconfiguredRoutes(), Folders, Supervisor, Feed, time);
        Clones = new CloneService(new FixedBlueprintCatalog(Blueprint), Store, StepEvents,
            Supervisor, Monitor, creator, remover, new CloneLocks());

        Services.AddSingleton(Feed);
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton(Clones);
    }

    public static Blueprint Blueprint { get; } = new()
    {
        Name = "ego1",
        Title = "Ego1 chat bot",
        ClonePrefix = "bot",
        Folder = "/blueprints/ego1",
        Inputs =
        [
            new BlueprintInput("token", "Bot token", Required: true, Secret: true,
                Pattern: "^[A-Za-z0-9:_-]{10,200}$"),
            new BlueprintInput("session_id", "Session id", Required: true, Secret: false, null),
            new BlueprintInput("session_id2", "Session id 2", Required: false, Secret: false, null),
        ],
        Ports = [new PortSlot("http", 8100, 8199), new PortSlot("vk", 9100, 9199)],
        Env = [new EnvEntry("BOT_TOKEN", "{{ inputs.token }}")],
        Components =
        [
            new ComponentSpec { Name = "bot", Command = "python3", Autostart = true },
            new ComponentSpec { Name = "vk", Command = "python3" },
        ],
    };

    public CloneFeed Feed { get; } = new();

    /// <summary>Sets the browser window the pages see; call before the first render.</summary>
    public void UseViewport(Breakpoint breakpoint, int width) =>
        Services.AddSingleton<IBrowserViewportService>(new FixedViewport(breakpoint, width));

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    /// <summary>MudBlazor's services can only be disposed asynchronously; xunit 2 calls this first.</summary>
    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    /// <summary>Clones, claims and step events in one in-memory store.</summary>
    public InMemoryStore Store { get; } = new();

    public IPortClaimStore Claims => Store;

    public IStepEventStore StepEvents => Store;

    public InMemoryCloneFolders Folders { get; } = new();

    public FakeSupervisor Supervisor { get; }

    public FixedResourceMonitor Monitor { get; } = new();

    public CloneService Clones { get; }

    public IRenderedComponent<ProviderHost> RenderWithProviders(RenderFragment content) =>
        Render<ProviderHost>(p => p.AddChildContent(content));

    /// <summary>Puts a Ready clone of the test blueprint in the store, as a finished create would.</summary>
    public async Task<Clone> AddReadyCloneAsync(string name, int number, int httpPort)
    {
        var clone = new Clone
        {
            Name = name,
            Blueprint = Blueprint.Name,
            Number = number,
            Status = CloneStatus.Ready,
            Inputs = new Dictionary<string, string> { ["session_id"] = "s-" + name },
            Ports = new Dictionary<string, int> { ["http"] = httpPort, ["vk"] = httpPort + 1000 },
            Folder = Folders.PathOf(name),
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        await Store.TryInsertAsync(clone, CancellationToken.None);
        await Folders.CopyBlueprintAsync(Blueprint, name, CancellationToken.None);
        return clone;
    }
}
