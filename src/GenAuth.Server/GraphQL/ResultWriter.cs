using System.Text.Json;
using System.Text.Json.Nodes;
using GraphQL;

namespace GenAuth.Server.GraphQL;

/// <summary>
/// Writes results in the shape the caller expects: standard GraphQL, or, for requests from the
/// official SDK (x-authing-sdk-version), errors whose message is the object { code, message, data }.
/// </summary>
public sealed class ResultWriter(IGraphQLTextSerializer serializer)
{
    public string Serialize(ExecutionResult result, bool legacy) =>
        legacy ? ToLegacy(serializer.Serialize(result)) : serializer.Serialize(result);

    public JsonNode? ToNode(ExecutionResult result, bool legacy) =>
        JsonNode.Parse(Serialize(result, legacy));

    private static string ToLegacy(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        if (node["errors"] is not JsonArray errors)
            return json;
        foreach (var error in errors.OfType<JsonObject>())
        {
            var ext = error["extensions"] as JsonObject;
            error["message"] = new JsonObject
            {
                ["code"] = ext?["code"]?.DeepClone(),
                ["message"] = error["message"]?.DeepClone(),
                ["data"] = ext?["data"]?.DeepClone(),
            };
        }
        return node.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }
}
