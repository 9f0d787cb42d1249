using System.Text;
using System.Text.Json;
using Cloner.Web.Api;
using Microsoft.AspNetCore.Http;

namespace Cloner.Tests.Web.Api;

public sealed class JsonBodyTests
{
    private const string Example = "{\"blueprint\":\"ego1\",\"inputs\":{}}";

    private sealed record Body(string Blueprint, Dictionary<string, string>? Inputs);

    [Fact]
    public async Task Read_TextCutShort_SaysTheBodyIsNotJsonRatherThanBlamingAField()
    {
        var (body, errors) = await ReadAsync("{\"blueprint\":");

        Assert.Null(body);
        var problem = Assert.Single(errors!["body"]);
        Assert.Contains("is not valid JSON", problem);
        Assert.DoesNotContain("blueprint", errors.Keys);
    }

    [Fact]
    public async Task Read_FieldOfWrongType_NamesTheField()
    {
        var (_, errors) = await ReadAsync("{\"blueprint\":5}");

        Assert.Contains("wrong JSON type", Assert.Single(errors!["blueprint"]));
    }

    [Fact]
    public async Task Read_GoodBody_ReturnsIt()
    {
        var (body, errors) = await ReadAsync("{\"blueprint\":\"ego1\"}");

        Assert.Null(errors);
        Assert.Equal("ego1", body!.Blueprint);
    }

    private static Task<(Body? Body, Dictionary<string, string[]>? Errors)> ReadAsync(string text)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return JsonBody.ReadAsync<Body>(context.Request,
            new JsonSerializerOptions(JsonSerializerDefaults.Web), Example, CancellationToken.None);
    }
}
