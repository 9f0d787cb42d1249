using System.Net;
using System.Text.Json;

namespace Cloner.Tests.TestHost;

/// <summary>Plain HTTP looks at what clones serve, directly or through nginx.</summary>
public static class HttpProbe
{
    /// <summary>
    /// True when any string value in the JSON (at any depth) equals <paramref name="value"/>.
    /// </summary>
    public static bool NamesValue(JsonElement element, string value) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString() == value,
        JsonValueKind.Object => element.EnumerateObject().Any(p => NamesValue(p.Value, value)),
        JsonValueKind.Array => element.EnumerateArray().Any(e => NamesValue(e, value)),
        _ => false,
    };

    /// <summary>
    /// GETs until 200 or 10 s pass: a bot may take a moment to bind after Running.
    /// </summary>
    public static async Task<(HttpStatusCode Status, string Text)> RetryGetAsync(
        HttpClient http,
        string url)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                using var answer = await http.GetAsync(url);
                var text = await answer.Content.ReadAsStringAsync();
                if (answer.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
                {
                    return (answer.StatusCode, text);
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            await Task.Delay(250);
        }
    }
}
