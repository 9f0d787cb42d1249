using MudBlazor;
using MudBlazor.Services;

namespace Cloner.Tests.Web.Components.Fakes;

/// <summary>A browser window of a fixed size, told to every subscriber at once.</summary>
public sealed class FixedViewport(Breakpoint breakpoint, int width) : IBrowserViewportService
{
    public ResizeOptions ResizeOptions { get; } = new();

    private BrowserWindowSize Size => new() { Width = width, Height = 900 };

    public Task SubscribeAsync(IBrowserViewportObserver observer, bool fireImmediately = true) =>
        fireImmediately
            ? observer.NotifyBrowserViewportChangeAsync(Args(observer.Id))
            : Task.CompletedTask;

    public Task SubscribeAsync(Guid observerId, Action<BrowserViewportEventArgs> lambda,
        ResizeOptions? options = null, bool fireImmediately = true)
    {
        if (fireImmediately)
        {
            lambda(Args(observerId));
        }

        return Task.CompletedTask;
    }

    public Task SubscribeAsync(Guid observerId, Func<BrowserViewportEventArgs, Task> lambda,
        ResizeOptions? options = null, bool fireImmediately = true) =>
        fireImmediately ? lambda(Args(observerId)) : Task.CompletedTask;

    public Task UnsubscribeAsync(IBrowserViewportObserver observer) => Task.CompletedTask;

    public Task UnsubscribeAsync(Guid observerId) => Task.CompletedTask;

    public Task<bool> IsMediaQueryMatchAsync(string mediaQuery) => Task.FromResult(false);

    public Task<bool> IsBreakpointWithinWindowSizeAsync(Breakpoint breakpoint) =>
        Task.FromResult(false);

    public Task<bool> IsBreakpointWithinReferenceSizeAsync(Breakpoint breakpoint,
        Breakpoint reference) => Task.FromResult(false);

    public Task<Breakpoint> GetCurrentBreakpointAsync() => Task.FromResult(breakpoint);

    public Task<BrowserWindowSize> GetCurrentBrowserWindowSizeAsync() => Task.FromResult(Size);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private BrowserViewportEventArgs Args(Guid id) => new(id, Size, breakpoint, true);
}
