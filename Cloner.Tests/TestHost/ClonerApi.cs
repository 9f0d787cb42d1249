using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cloner.Tests.TestHost;

/// <summary>
/// A client of Cloner's HTTP API that keeps the auth cookie like a browser would.
/// </summary>
public sealed class ClonerApi : IDisposable
{
    private static readonly TimeSpan s_componentTimeout = TimeSpan.FromSeconds(40);

    private readonly string _userName;
    private readonly string _password;

    public ClonerApi(Uri baseUri, string userName, string password)
    {
        _userName = userName;
        _password = password;
        Cookies = new CookieContainer();
        var handler = new HttpClientHandler
        {
            CookieContainer = Cookies,
            AllowAutoRedirect = false,
        };
        Http = new HttpClient(handler)
        {
            BaseAddress = baseUri,
            Timeout = TimeSpan.FromSeconds(120),
        };
    }

    public HttpClient Http { get; }

    public CookieContainer Cookies { get; }

    public Task<HttpResponseMessage> PostSessionAsync(string userName, string password) =>
        Http.PostAsJsonAsync("api/session", new { userName, password });

    /// <summary>Signs in as the host's admin; fails the test when that is refused.</summary>
    public async Task<ClonerApi> SignInAsync()
    {
        using var answer = await PostSessionAsync(_userName, _password);
        await ExpectAsync(answer, HttpStatusCode.OK, "POST api/session as the admin");
        return this;
    }

    public Task<HttpResponseMessage> CreateAsync(object request) =>
        Http.PostAsJsonAsync("api/clones", request);

    /// <summary>
    /// Creates a clone of the sample blueprint and expects 201; answers the clone.
    /// </summary>
    public async Task<JsonElement> CreateSampleAsync(
        string? name,
        string token = "e2e-token-0123456789")
    {
        using var answer = await CreateAsync(SampleRequest(name, token));
        return await ExpectAsync(answer, HttpStatusCode.Created, $"POST api/clones ({name})");
    }

    public static object SampleRequest(string? name, string token = "e2e-token-0123456789") => new
    {
        blueprint = "ego1",
        name,
        inputs = new Dictionary<string, string>
        {
            ["token"] = token,
            ["session_id"] = "session-" + (name ?? "auto"),
            ["session_id2"] = "second session",
        },
    };

    public async Task<JsonElement> GetCloneAsync(string name)
    {
        using var answer = await Http.GetAsync($"api/clones/{name}");
        return await ExpectAsync(answer, HttpStatusCode.OK, $"GET api/clones/{name}");
    }

    public async Task<HttpStatusCode> GetCloneStatusAsync(string name)
    {
        using var answer = await Http.GetAsync($"api/clones/{name}");
        return answer.StatusCode;
    }

    public Task<HttpResponseMessage> ComponentAsync(
        string clone,
        string component,
        string action) =>
        Http.PostAsync($"api/clones/{clone}/components/{component}/{action}", null);

    public async Task<JsonElement> ComponentOkAsync(string clone, string component, string action)
    {
        using var answer = await ComponentAsync(clone, component, action);
        return await ExpectAsync(answer, HttpStatusCode.OK, $"{action} {clone}/{component}");
    }

    public Task<HttpResponseMessage> DeleteAsync(string name) =>
        Http.DeleteAsync($"api/clones/{name}");

    public async Task DeleteOkAsync(string name)
    {
        using var answer = await DeleteAsync(name);
        await ExpectAsync(answer, HttpStatusCode.NoContent, $"DELETE api/clones/{name}");
    }

    /// <summary>
    /// Deletes the clone when it exists, for clean-up after a test that may have failed.
    /// </summary>
    public async Task DeleteIfPresentAsync(string name)
    {
        using var answer = await DeleteAsync(name);
        _ = answer.StatusCode;
    }

    /// <summary>
    /// Waits until the component's state is <paramref name="state"/>; answers the component.
    /// </summary>
    public async Task<JsonElement> WaitForStateAsync(string clone, string component, string state)
    {
        var deadline = DateTime.UtcNow + s_componentTimeout;
        var last = "(none)";
        while (DateTime.UtcNow < deadline)
        {
            var view = await GetCloneAsync(clone);
            var found = Component(view, component);
            last = found.GetProperty("state").GetString() ?? "(null)";
            if (string.Equals(last, state, StringComparison.OrdinalIgnoreCase))
            {
                return found;
            }

            await Task.Delay(250);
        }

        var logs = await Http.GetStringAsync(
            $"api/clones/{clone}/components/{component}/logs?tail=30");
        throw new TimeoutException(
            $"{clone}/{component} did not reach {state} within {s_componentTimeout}; " +
            $"last state {last}; its log ends:\n{logs}");
    }

    public static JsonElement Component(JsonElement clone, string component) =>
        clone.GetProperty("components").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == component);

    public static int Port(JsonElement clone, string slot) =>
        clone.GetProperty("ports").GetProperty(slot).GetInt32();

    /// <summary>Checks the status and answers the body as JSON (or an empty object).</summary>
    public static async Task<JsonElement> ExpectAsync(
        HttpResponseMessage answer,
        HttpStatusCode expected,
        string what)
    {
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == expected,
            $"{what}: expected {(int)expected} {expected}, got {(int)answer.StatusCode} " +
            $"{answer.StatusCode}: {body}");
        return Parse(body);
    }

    public static JsonElement Parse(string body) =>
        string.IsNullOrWhiteSpace(body)
            ? JsonDocument.Parse("{}").RootElement.Clone()
            : JsonDocument.Parse(body).RootElement.Clone();

    public void Dispose() => Http.Dispose();
}
