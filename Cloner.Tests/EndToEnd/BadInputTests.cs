using System.Net;
using System.Text.Json;
using Cloner.Tests.TestHost;
using Xunit.Abstractions;

namespace Cloner.Tests.EndToEnd;

/// <summary>Each bad create gets a 4xx answer naming the problem, and nothing is made.</summary>
[Collection(ClonerServersCollection.Name)]
public sealed class BadInputTests(SharedCloner shared, ITestOutputHelper output)
{
    private const string GoodToken = "e2e-token-0123456789";

    public static TheoryData<string> BadNames => new()
    {
        "bot/1",
        "..",
        "bot 1",
        "Bot1",
        "bot'1",
        "bot\"1",
        "bot`1",
        new string('b', 40),
    };

    [SkippableTheory]
    [MemberData(nameof(BadNames))]
    public async Task Create_BadName_400NamingTheNameAndNothingMade(string name)
    {
        await ExpectRefusedAsync(ClonerApi.SampleRequest(name), HttpStatusCode.BadRequest, "name");
    }

    [SkippableFact]
    public async Task Create_MissingRequiredInput_400NamingTheInput()
    {
        var request = Request("bad1", new() { ["token"] = GoodToken });
        await ExpectRefusedAsync(request, HttpStatusCode.BadRequest, "session_id");
    }

    [SkippableFact]
    public async Task Create_InputFailingItsPattern_400NamingTheInput()
    {
        var request = Request("bad1", new() { ["token"] = "short", ["session_id"] = "s" });
        await ExpectRefusedAsync(request, HttpStatusCode.BadRequest, "token");
    }

    [SkippableTheory]
    [InlineData("line one\nline two")]
    [InlineData("it's")]
    public async Task Create_InputThatCannotBeWrittenToEnv_400NamingTheInput(string value)
    {
        var request = Request("bad1", new() { ["token"] = GoodToken, ["session_id"] = value });
        await ExpectRefusedAsync(request, HttpStatusCode.BadRequest, "session_id");
    }

    [SkippableFact]
    public async Task Create_UnknownBlueprint_400NamingTheBlueprint()
    {
        var request = new
        {
            blueprint = "nosuchblueprint",
            name = "bad1",
            inputs = new Dictionary<string, string>(),
        };
        await ExpectRefusedAsync(request, HttpStatusCode.BadRequest, "blueprint");
    }

    [SkippableFact]
    public async Task Create_TakenName_409AndTheFirstCloneUntouched()
    {
        var servers = LiveServers.Require();
        var host = await shared.GetAsync(servers);
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();
            await api.DeleteIfPresentAsync("taken1");
            try
            {
                var first = await api.CreateSampleAsync("taken1");
                var before = await Footprint.TakeAsync(host, api, servers);

                using var answer = await api.CreateAsync(ClonerApi.SampleRequest("taken1"));
                var body = await answer.Content.ReadAsStringAsync();

                Assert.True(answer.StatusCode == HttpStatusCode.Conflict,
                    $"{answer.StatusCode}: {body}");
                Assert.Contains("taken1", body, StringComparison.Ordinal);
                Assert.Equal(before, await Footprint.TakeAsync(host, api, servers));
                var again = await api.GetCloneAsync("taken1");
                Assert.Equal(ClonerApi.Port(first, "http"), ClonerApi.Port(again, "http"));
            }
            finally
            {
                await api.DeleteIfPresentAsync("taken1");
            }
        });
    }

    private static object Request(string name, Dictionary<string, string> inputs) =>
        new { blueprint = "ego1", name, inputs };

    private async Task ExpectRefusedAsync(object request, HttpStatusCode status, string field)
    {
        var servers = LiveServers.Require();
        var host = await shared.GetAsync(servers);
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();
            var before = await Footprint.TakeAsync(host, api, servers);

            using var answer = await api.CreateAsync(request);
            var body = await answer.Content.ReadAsStringAsync();

            Assert.True(answer.StatusCode == status,
                $"expected {status}, got {answer.StatusCode}: {body}");
            var problem = ClonerApi.Parse(body);
            Assert.True(NamesField(problem, field), $"the answer does not name '{field}': {body}");
            Assert.DoesNotContain(GoodToken, body, StringComparison.Ordinal);
            Assert.Equal(before, await Footprint.TakeAsync(host, api, servers));
        });
    }

    /// <summary>True when the problem's <c>errors</c> hold a key naming the field.</summary>
    private static bool NamesField(JsonElement problem, string field) =>
        problem.TryGetProperty("errors", out var errors)
        && errors.ValueKind == JsonValueKind.Object
        && errors.EnumerateObject().Any(e =>
            e.Name.Contains(field, StringComparison.OrdinalIgnoreCase)
            && e.Value.GetRawText().Length > 4);
}
