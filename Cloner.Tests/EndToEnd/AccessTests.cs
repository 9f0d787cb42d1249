using System.Net;
using Cloner.Tests.TestHost;
using Xunit.Abstractions;

namespace Cloner.Tests.EndToEnd;

/// <summary>Only a signed-in user gets in; guessing passwords locks the account.</summary>
[Collection(ClonerServersCollection.Name)]
public sealed class AccessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Api_NotSignedIn_401AndPagesRedirectToLogin()
    {
        await using var host = await ClonerHost.StartAsync(null);
        await host.RunAsync(output, async () =>
        {
            using var api = host.CreateClient();
            var calls = new (HttpMethod Method, string Path)[]
            {
                (HttpMethod.Get, "api/clones"),
                (HttpMethod.Get, "api/blueprints"),
                (HttpMethod.Get, "api/clones/bot1"),
                (HttpMethod.Post, "api/clones"),
                (HttpMethod.Post, "api/clones/bot1/components/bot/start"),
                (HttpMethod.Delete, "api/clones/bot1"),
                (HttpMethod.Get, "api/clones/bot1/components/bot/logs?tail=5"),
            };
            foreach (var (method, path) in calls)
            {
                using var request = new HttpRequestMessage(method, path);
                if (method == HttpMethod.Post)
                {
                    request.Content = new StringContent("{}", System.Text.Encoding.UTF8,
                        "application/json");
                }

                using var answer = await api.Http.SendAsync(request);
                Assert.True(answer.StatusCode == HttpStatusCode.Unauthorized,
                    $"{method} {path} answered {(int)answer.StatusCode}, not 401");
            }

            foreach (var page in new[] { "", "clones/bot1" })
            {
                using var answer = await api.Http.GetAsync(page);
                Assert.True(answer.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found,
                    $"page '{page}' answered {(int)answer.StatusCode}, not a redirect");
                var location = answer.Headers.Location!.ToString();
                Assert.Contains("/ego1/cloner/login", location, StringComparison.Ordinal);
            }

            using var health = await api.Http.GetAsync("healthz");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            using var headRequest = new HttpRequestMessage(HttpMethod.Head, "healthz");
            using var head = await api.Http.SendAsync(headRequest);
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            using var css = await api.Http.GetAsync("_content/MudBlazor/MudBlazor.min.css");
            Assert.True(css.StatusCode == HttpStatusCode.OK,
                $"MudBlazor's css answered {css.StatusCode}");
        });
    }

    [Fact]
    public async Task SignIn_SixthWrongPassword_429EvenForTheRightOne()
    {
        await using var host = await ClonerHost.StartAsync(null);
        await host.RunAsync(output, async () =>
        {
            using var api = host.CreateClient();
            for (var attempt = 1; attempt <= 5; attempt++)
            {
                using var wrong = await api.PostSessionAsync(ClonerHost.AdminUserName,
                    "wrong-password-" + attempt);
                Assert.True(wrong.StatusCode == HttpStatusCode.Unauthorized,
                    $"wrong password {attempt} answered {(int)wrong.StatusCode}, not 401");
            }

            using var sixth = await api.PostSessionAsync(ClonerHost.AdminUserName,
                "wrong-password-6");
            Assert.Equal((HttpStatusCode)429, sixth.StatusCode);
            using var right = await api.PostSessionAsync(ClonerHost.AdminUserName,
                host.AdminPassword);
            Assert.Equal((HttpStatusCode)429, right.StatusCode);
            using var clones = await api.Http.GetAsync("api/clones");
            Assert.Equal(HttpStatusCode.Unauthorized, clones.StatusCode);
        });
    }

    [Fact]
    public async Task SignIn_RightPassword_200AndTheCookieIsHttpOnlyAndLax()
    {
        await using var host = await ClonerHost.StartAsync(null);
        await host.RunAsync(output, async () =>
        {
            using var api = host.CreateClient();
            using var answer = await api.PostSessionAsync(ClonerHost.AdminUserName,
                host.AdminPassword);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var cookies = answer.Headers.GetValues("Set-Cookie")
                .Where(c => !c.Contains("Antiforgery", StringComparison.OrdinalIgnoreCase))
                .ToList();
            Assert.NotEmpty(cookies);
            Assert.All(cookies, c => Assert.Contains("httponly", c,
                StringComparison.OrdinalIgnoreCase));
            Assert.All(cookies, c => Assert.Contains("samesite=lax", c,
                StringComparison.OrdinalIgnoreCase));
            using var clones = await api.Http.GetAsync("api/clones");
            Assert.Equal(HttpStatusCode.OK, clones.StatusCode);
        });
    }
}
