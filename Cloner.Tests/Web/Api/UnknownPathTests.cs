using System.Net;
using Cloner.Tests.TestHost;
using Xunit.Abstractions;

namespace Cloner.Tests.Web.Api;

/// <summary>
/// The real Cloner.Web answers a path no API call has with problem details naming the path,
/// to a signed-in user (a stranger is asked to sign in first), and a path no page has with
/// the HTML not-found page.
/// </summary>
[Collection(ClonerServersCollection.Name)]
public sealed class UnknownPathTests(ITestOutputHelper output)
{
    private const string ProblemJson = "application/problem+json";

    [Fact]
    public async Task Get_UnknownApiPath_404ProblemJsonNamingThePathOr401WhenNotSignedIn()
    {
        await using var host = await ClonerHost.StartAsync(null);
        await host.RunAsync(output, async () =>
        {
            using var anonymous = host.CreateClient();
            using var signedIn = await host.CreateClient().SignInAsync();

            using var answer = await signedIn.Http.GetAsync("api/no-such-call/x");
            using var unsigned = await anonymous.Http.GetAsync("api/no-such-call/x");

            var problem = await ExpectProblemAsync(answer, HttpStatusCode.NotFound);
            Assert.Equal(404, problem.GetProperty("status").GetInt32());
            Assert.Contains("GET /ego1/cloner/api/no-such-call/x",
                problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal("/ego1/cloner/api/no-such-call/x",
                problem.GetProperty("instance").GetString());
            Assert.Contains("api/host", problem.GetProperty("detail").GetString(),
                StringComparison.Ordinal);
            var challenge = await ExpectProblemAsync(unsigned, HttpStatusCode.Unauthorized);
            Assert.Contains("Sign in first", challenge.GetProperty("detail").GetString(),
                StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Call_KnownApiPathWrongMethod_405ProblemJsonAndUnknownPageStaysHtml()
    {
        await using var host = await ClonerHost.StartAsync(null);
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();

            using var wrongMethod = await api.Http.PutAsync("api/blueprints",
                new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
            var problem = await ExpectProblemAsync(wrongMethod,
                HttpStatusCode.MethodNotAllowed);
            Assert.Contains("PUT", problem.GetProperty("detail").GetString(),
                StringComparison.Ordinal);

            // A GET of a path that only answers POST and DELETE, which routing alone answers
            // 404 in Development.
            using var getSession = await api.Http.GetAsync("api/session");
            problem = await ExpectProblemAsync(getSession, HttpStatusCode.MethodNotAllowed);
            Assert.Contains("GET", problem.GetProperty("detail").GetString(),
                StringComparison.Ordinal);
            Assert.Equal(["DELETE", "POST"], getSession.Content.Headers.Allow.Order());
            using var getStart = await api.Http.GetAsync(
                "api/clones/nobody/components/bot/start");
            await ExpectProblemAsync(getStart, HttpStatusCode.MethodNotAllowed);

            using var page = await api.Http.GetAsync("no-such-page");
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

            using var clones = await api.Http.GetAsync("api/clones");
            await ClonerApi.ExpectAsync(clones, HttpStatusCode.OK, "GET api/clones");
        });
    }

    private static async Task<System.Text.Json.JsonElement> ExpectProblemAsync(
        HttpResponseMessage answer,
        HttpStatusCode status)
    {
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == status,
            $"answered {(int)answer.StatusCode}, not {(int)status}: {body}");
        Assert.Equal(ProblemJson, answer.Content.Headers.ContentType?.MediaType);
        return ClonerApi.Parse(body);
    }
}
