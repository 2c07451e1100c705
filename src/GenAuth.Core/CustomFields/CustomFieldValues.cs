using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenAuth.Core.Common;

namespace GenAuth.Core.CustomFields;

/// <summary>Checks a value against its field's type and returns its canonical text form.</summary>
public static class CustomFieldValues
{
    public const int MaxLength = 4096;

    // Note: the SDK sends values JSON-encoded (JSON.stringify), so "\"abc\"" means the string abc and "42" the number 42;
    // a bare string is accepted too.
    public static string Normalize(CustomField field, string? raw)
    {
        if (raw is null || raw.Length > MaxLength)
            throw Invalid(field, "a value is required (at most 4096 characters)");
        var text = Unwrap(raw);
        switch (field.DataType)
        {
            case "STRING":
                return text;
            case "NUMBER":
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
                    return d.ToString("R", CultureInfo.InvariantCulture);
                throw Invalid(field, "a number is expected");
            case "BOOLEAN":
                return text.Trim().ToLowerInvariant() switch
                {
                    "true" => "true",
                    "false" => "false",
                    _ => throw Invalid(field, "true or false is expected"),
                };
            case "DATETIME":
                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms))
                    return IsoTime.Format(DateTimeOffset.FromUnixTimeMilliseconds(ms));
                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
                    return IsoTime.Format(t);
                throw Invalid(field, "an ISO 8601 time or milliseconds since 1970 is expected");
            case "OBJECT":
                return ParseObject(raw) ?? ParseObject(text) ?? throw Invalid(field, "a JSON object or array is expected");
            case "SELECT":
                var choices = Choices(field.Options);
                if (choices.Count > 0 && !choices.Contains(text))
                    throw Invalid(field, "one of " + string.Join(", ", choices) + " is expected");
                return text;
            default:
                throw Invalid(field, "unknown data type " + field.DataType);
        }
    }

    /// <summary>The allowed values of a SELECT field: options as a JSON array (strings or {value}) or {"values": [...]}.</summary>
    public static IReadOnlySet<string> Choices(string? options)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(options))
            return set;
        try
        {
            var node = JsonNode.Parse(options);
            var array = node as JsonArray ?? (node as JsonObject)?["values"] as JsonArray ?? (node as JsonObject)?["choices"] as JsonArray;
            foreach (var item in array ?? [])
            {
                var value = item is JsonObject o ? o["value"]?.ToString() : item?.ToString();
                if (value is not null)
                    set.Add(value);
            }
        }
        catch (JsonException)
        {
            // Options that aren't JSON carry no choices.
        }
        return set;
    }

    private static string Unwrap(string raw)
    {
        if (raw.Length < 2 || raw[0] != '"')
            return raw;
        try
        {
            return JsonSerializer.Deserialize<string>(raw) ?? raw;
        }
        catch (JsonException)
        {
            return raw;
        }
    }

    private static string? ParseObject(string text)
    {
        try
        {
            var node = JsonNode.Parse(text);
            return node is JsonObject or JsonArray ? node.ToJsonString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static GenAuthException Invalid(CustomField field, string why) =>
        new(ErrorCodes.InvalidCustomFieldValue, new { key = field.Key, dataType = field.DataType }, $"{field.Key}: {why}");
}
