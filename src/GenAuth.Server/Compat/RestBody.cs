using System.Text.Json;
using GenAuth.Core.Common;

namespace GenAuth.Server.Compat;

/// <summary>Reads the bodies of GenAuth's REST paths: JSON (or a form) as one JSON object; absent reads as empty.</summary>
public static class RestBody
{
    public static async Task<JsonElement> ReadAsync(HttpContext http)
    {
        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            return JsonSerializer.SerializeToElement(form.ToDictionary(f => f.Key, f => f.Value.ToString()));
        }
        if (http.Request.ContentLength is 0 || (http.Request.ContentLength is null && !http.Request.HasJsonContentType()))
            return default;
        try
        {
            using var doc = await JsonDocument.ParseAsync(http.Request.Body, default, http.RequestAborted);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "the body must be JSON");
        }
    }

    /// <summary>A property that is present and not null; null otherwise (also when the body is not an object).</summary>
    public static JsonElement? Prop(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public static string? Str(JsonElement body, string name) =>
        Prop(body, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    /// <summary>true, or the string "true" (form bodies).</summary>
    public static bool Bool(JsonElement body, string name) =>
        Prop(body, name) is { } v && (v.ValueKind == JsonValueKind.True || (v.ValueKind == JsonValueKind.String && v.GetString() == "true"));
}
