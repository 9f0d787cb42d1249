using System.Net;
using Cloner.Tests.TestHost;
using Xunit.Abstractions;

namespace Cloner.Tests.Web.Api;

/// <summary>
/// The real Cloner.Web answers HEAD on every GET call under <c>/api</c> the way GET answers,
/// without the body: the same status, content type and content length, 401 to a stranger and
/// 404 for an unknown path; a known path with a method it has not stays 405, and a path
/// without GET answers HEAD as it answers GET.
/// </summary>
[Collection(ClonerServersCollection.Name)]
public sealed class HeadRequestTests(ITestOutputHelper output)
{
    private const string ProblemJson = "application/problem+json";

    private static readonly string s_tag =
        string.Concat(Enumerable.Range(0, 4).Select(_ => (char)('a' + Random.Shared.Next(26))));

    [Fact]
    public async Task Head_CloneListOneCloneLogsAndLogFile_200SameHeadersAsGetEmptyBody()
    {
        await using var host = await ClonerHost.StartAsync(null);
        var name = $"hd{s_tag}c";
        await host.RunAsync(output, async () =>
        {
            using var api = await host.CreateClient().SignInAsync();
            try
            {
                await api.CreateSampleAsync(name);

                await ExpectHeadLikeGetAsync(api.Http, "api/clones");
                await ExpectHeadLikeGetAsync(api.Http, $"api/clones/{name}");
                await ExpectHeadLikeGetAsync(api.Http, "api/blueprints");
                // A stopped bot writes no more lines, so both answers have the same length.
                await api.ComponentOkAsync(name, "bot", "stop");
                var logs = await ExpectHeadLikeGetAsync(api.Http,
                    $"api/clones/{name}/components/bot/logs");
                Assert.True(logs is not null,
                    "GET of a log tail sent no Content-Length, so HEAD's was not compared");
                var file = await ExpectHeadLikeGetAsync(api.Http,
                    $"api/clones/{name}/components/bot/logfile");
                Assert.True(file is not null,
                    "GET of the log file sent no Content-Length, so HEAD's was not compared");
            }
            finally
            {
                await api.DeleteIfPresentAsync(name);
            }
        });
    }

    [Fact]
    public async Task Head_SignedOutOrUnknownPath_401Or404WithoutBodyAndWrongMethodStays405()
    {
        await using var host = await ClonerHost.StartAsync(null);
        await host.RunAsync(output, async () =>
        {
            using var anonymous = host.CreateClient();
            using var api = await host.CreateClient().SignInAsync();

            using var signedOut = await HeadAsync(anonymous.Http, "api/clones");
            using var unknown = await HeadAsync(api.Http, "api/no-such-call/x");
            using var postOnly = await HeadAsync(api.Http, "api/session");
            using var postOnlyGet = await api.Http.GetAsync("api/session");
            using var post = await api.Http.PostAsync("api/blueprints",
                new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

            await ExpectEmptyAsync(signedOut, HttpStatusCode.Unauthorized, "HEAD signed out");
            Assert.Equal(ProblemJson, signedOut.Content.Headers.ContentType?.MediaType);
            await ExpectEmptyAsync(unknown, HttpStatusCode.NotFound, "HEAD api/no-such-call/x");
            Assert.Equal(ProblemJson, unknown.Content.Headers.ContentType?.MediaType);
            await ExpectEmptyAsync(postOnly, postOnlyGet.StatusCode, "HEAD api/session");
            var body = await post.Content.ReadAsStringAsync();
            Assert.True(post.StatusCode == HttpStatusCode.MethodNotAllowed,
                $"POST api/blueprints answered {(int)post.StatusCode}, not 405: {body}");
            Assert.Equal(ProblemJson, post.Content.Headers.ContentType?.MediaType);
            Assert.Contains("does not answer POST", ClonerApi.Parse(body)
                .GetProperty("detail").GetString(), StringComparison.Ordinal);
        });
    }

    /// <summary>
    /// GETs and HEADs <paramref name="path"/> and expects the same status and headers, with
    /// HEAD's body empty; answers GET's Content-Length header when it sent one.
    /// </summary>
    private static async Task<string?> ExpectHeadLikeGetAsync(HttpClient http, string path)
    {
        using var get = await http.GetAsync(path);
        using var head = await HeadAsync(http, path);

        var got = await get.Content.ReadAsStringAsync();
        Assert.True(get.StatusCode == HttpStatusCode.OK,
            $"GET {path} answered {(int)get.StatusCode}: {got}");
        await ExpectEmptyAsync(head, HttpStatusCode.OK, $"HEAD {path}");
        Assert.Equal(get.Content.Headers.ContentType?.ToString(),
            head.Content.Headers.ContentType?.ToString());
        Assert.Equal(get.Content.Headers.ContentDisposition?.ToString(),
            head.Content.Headers.ContentDisposition?.ToString());
        var length = SentLength(get);
        if (length is not null)
        {
            Assert.Equal(length, SentLength(head));
        }

        return length;
    }

    private static Task<HttpResponseMessage> HeadAsync(HttpClient http, string path) =>
        http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

    private static async Task ExpectEmptyAsync(
        HttpResponseMessage answer,
        HttpStatusCode status,
        string call)
    {
        var body = await answer.Content.ReadAsByteArrayAsync();
        Assert.True(answer.StatusCode == status,
            $"{call} answered {(int)answer.StatusCode}, not {(int)status}");
        Assert.Empty(body);
    }

    // The header as sent: ContentLength would report the length of a buffered chunked body.
    private static string? SentLength(HttpResponseMessage answer) =>
        answer.Content.Headers.NonValidated.TryGetValues("Content-Length", out var values)
            ? values.ToString()
            : null;
}
