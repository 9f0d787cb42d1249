using Cloner.Infrastructure;
using Cloner.Web.Api;
using Cloner.Web.Commands;
using Cloner.Web.Components;
using Cloner.Web.Components.Account;
using Cloner.Web.Hosting;
using Cloner.Web.Identity;
using MudBlazor.Services;
using Serilog;

if (await StoreCommand.TryRunAsync(args) is { } code)
{
    return code;
}

// Settings are read once at start, so appsettings.json is not watched: its watcher would take
// an inotify instance, and with none left (another program leaks them) the start would fail.
var builder = WebApplication.CreateBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);

ClonerOptions options;
FileStream dataDirLock;
try
{
    options = ClonerOptions.FromConfiguration(
        builder.Configuration, Directory.GetCurrentDirectory());
    StartupFolders.EnsureWritable(options);
    dataDirLock = StartupFolders.LockDataDir(options);
}
catch (ClonerConfigurationException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}

builder.AddClonerLogging(options);
builder.WebHost.UseClonerListenAddress(builder.Configuration);
builder.WebHost.UseStaticWebAssets();

builder.Services.AddCloner(options);
builder.Services.AddClonerIdentity(options);
builder.Services.AddClonerApi();
builder.Services.AddMudServices();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddClonerStartup();

var app = builder.Build();

app.UseClonerPathBase(options.PathBase);
app.UseExceptionHandler();
app.UseClonerStatusCodePages(notFoundPage: "/not-found");
app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapClonerApi();
app.MapAccountEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

try
{
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (StartupProblem.Find(ex) is { } problem)
{
    Log.Fatal("Cloner did not start: {Problem}", problem.Message);
    await Console.Error.WriteLineAsync(problem.Message);
    return 2;
}
catch (Exception ex)
{
    Log.Fatal(ex, "Cloner stopped on an unexpected error");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
    await dataDirLock.DisposeAsync();
}
