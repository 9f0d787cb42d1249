namespace Cloner.Tests.TestHost;

/// <summary>
/// Tests that use the shared test MariaDB and nginx, or start Cloners with real components.
/// They run one at a time and after the parallel tests, because clones of different Cloners
/// would otherwise fight over the same database, user and vhost names.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClonerServersCollection : ICollectionFixture<SharedCloner>
{
    public const string Name = "Cloner servers";
}

/// <summary>
/// One Cloner with the test servers, started on first use and shared by the tests of the
/// collection; each test removes the clones it made.
/// </summary>
public sealed class SharedCloner : IAsyncLifetime
{
    private readonly SemaphoreSlim _starting = new(1, 1);
    private ClonerHost? _host;

    public async Task<ClonerHost> GetAsync(LiveServers servers)
    {
        await _starting.WaitAsync();
        try
        {
            if (_host is { HasExited: true })
            {
                await _host.DisposeAsync();
                _host = null;
            }

            return _host ??= await ClonerHost.StartAsync(servers);
        }
        finally
        {
            _starting.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _starting.Dispose();
    }
}
