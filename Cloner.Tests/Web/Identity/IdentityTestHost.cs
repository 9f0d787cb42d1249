using Cloner.Domain.Storage;
using Cloner.Infrastructure;
using Cloner.Web.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Cloner.Tests.Web.Identity;

/// <summary>
/// Cloner's Identity registration over an in-memory user store, with an HTTP context that a
/// sign-in can write its cookie to, without a server.
/// </summary>
internal sealed class IdentityTestHost : IAsyncDisposable
{
    public const string Password = "right-password-1";

    private readonly ServiceProvider _root;
    private readonly AsyncServiceScope _scope;
    private readonly string _dataDir;

    public IdentityTestHost()
    {
        _dataDir = Path.Combine(
            Path.GetTempPath(), "cloner-identity-" + Guid.NewGuid().ToString("N"));
        var options = new ClonerOptions
        {
            DataDir = _dataDir,
            ClonesRoot = Path.Combine(_dataDir, "bots"),
            BlueprintsDir = Path.Combine(_dataDir, "blueprints"),
        };

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IUserAccountStore>(Accounts);
        services.AddClonerIdentity(options);
        _root = services.BuildServiceProvider();
        _scope = _root.CreateAsyncScope();

        var http = new DefaultHttpContext { RequestServices = _scope.ServiceProvider };
        _scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>().HttpContext = http;
        Http = http;
    }

    public InMemoryUserAccountStore Accounts { get; } = new();

    public HttpContext Http { get; }

    public UserManager<ClonerUser> Users =>
        _scope.ServiceProvider.GetRequiredService<UserManager<ClonerUser>>();

    public PasswordSignIn SignIn => _scope.ServiceProvider.GetRequiredService<PasswordSignIn>();

    public async Task<ClonerUser> CreateUserAsync(string name)
    {
        var user = new ClonerUser { UserName = name };
        var result = await Users.CreateAsync(user, Password);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        return user;
    }

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _root.DisposeAsync();
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }
}
