using System.Text.Json;

namespace Cloner.Web.Api;

/// <summary>
/// Reads a JSON request body and, when it cannot, says which field is wrong in the shape of a
/// validation problem instead of the framework's bare 400.
/// </summary>
public static class JsonBody
{
    public static async Task<(T? Body, Dictionary<string, string[]>? Errors)> ReadAsync<T>(
        HttpRequest request,
        JsonSerializerOptions json,
        string example,
        CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(
                request.Body, json, cancellationToken);
            return body is null
                ? (null, BodyError($"is null; send a JSON object like {example}"))
                : (body, null);
        }
        catch (JsonException ex) when (ex.InnerException?.GetType().Name == "JsonReaderException")
        {
            // The text is not JSON at all (cut short, a stray comma): no field is to blame.
            return (null, BodyError(
                $"is not valid JSON (line {ex.LineNumber + 1}, position {ex.BytePositionInLine}); " +
                $"send a JSON object like {example}"));
        }
        catch (JsonException ex)
        {
            return (null, FieldError(ex.Path, example));
        }
    }

    private static Dictionary<string, string[]> FieldError(string? path, string example)
    {
        var field = path is null or "$" ? null : path.TrimStart('$', '.');
        return string.IsNullOrEmpty(field)
            ? BodyError($"is not a JSON object like {example}")
            : new()
            {
                [field] = [$"{field} has the wrong JSON type; the body must look like {example}"],
            };
    }

    private static Dictionary<string, string[]> BodyError(string problem) =>
        new() { ["body"] = [$"The request body {problem}"] };
}
