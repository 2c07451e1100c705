using System.Text;
using System.Text.Json;
using GraphQL;
using GraphQL.Transport;

namespace GenAuth.Server.GraphQL.WebSockets;

/// <summary>Reading and writing the JSON envelopes both WebSocket subprotocols share: { id?, type, payload? }.</summary>
public static class WsMessages
{
    /// <summary>An envelope; payloadJson is written as is, so it must be JSON already.</summary>
    public static string Build(string type, string? id = null, string? payloadJson = null)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            if (id is not null)
                writer.WriteString("id", id);
            writer.WriteString("type", type);
            if (payloadJson is not null)
            {
                writer.WritePropertyName("payload");
                writer.WriteRawValue(payloadJson, skipInputValidation: true);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    public static string MessagePayload(string message) => JsonSerializer.Serialize(new { message });

    /// <summary>The "errors" array of a serialized result, or an empty array.</summary>
    public static string ErrorsOf(string resultJson)
    {
        using var doc = JsonDocument.Parse(resultJson);
        return doc.RootElement.TryGetProperty("errors", out var errors) ? errors.GetRawText() : "[]";
    }

    /// <summary>Parses a client message: a JSON object with a string "type". Null for anything else.</summary>
    public static JsonDocument? TryParse(ReadOnlyMemory<byte> data, out string type)
    {
        type = "";
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(data);
        }
        catch (JsonException)
        {
            return null;
        }
        if (doc.RootElement.ValueKind == JsonValueKind.Object
            && doc.RootElement.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String)
        {
            type = t.GetString()!;
            return doc;
        }
        doc.Dispose();
        return null;
    }

    /// <summary>The message's non-empty string id, or null.</summary>
    public static string? IdOf(JsonElement message) =>
        message.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } s
            ? s
            : null;

    /// <summary>The payload, Undefined when absent.</summary>
    public static JsonElement PayloadOf(JsonElement message) =>
        message.TryGetProperty("payload", out var payload) ? payload : default;

    /// <summary>The GraphQL request in a subscribe/start payload, or null when it isn't one.</summary>
    public static GraphQLRequest? ReadRequest(JsonElement message, IGraphQLSerializer serializer)
    {
        var payload = PayloadOf(message);
        if (payload.ValueKind != JsonValueKind.Object)
            return null;
        try
        {
            var request = serializer.ReadNode<GraphQLRequest>(payload);
            return request is not null && (!string.IsNullOrWhiteSpace(request.Query) || !string.IsNullOrEmpty(request.DocumentId))
                ? request
                : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ExecutionError)
        {
            return null;
        }
    }
}
