using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenAuth.Core.Common;
using GenAuth.GraphQL;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Execution;
using Microsoft.Extensions.Options;

namespace GenAuth.Server.GraphQL;

/// <summary>
/// Writes results in the shape the caller expects: standard GraphQL, or, for requests from the
/// official SDK (x-authing-sdk-version), errors whose message is the object { code, message, data }.
/// Serialising stops once the answer passes the response budget (GenAuth:GraphQL:MaxResponseBytes): the caller
/// gets a coded error (4007) instead of a truncated body or a server holding a 60 MB string.
/// </summary>
public sealed class ResultWriter(IGraphQLTextSerializer serializer, IErrorInfoProvider errorInfo, IOptions<GraphQLLimits> limits)
{
    // Note: the same converters and error shapes as the registered serializer (GraphQLSerializer with our error info
    // provider), reachable for a Utf8JsonWriter over a capped buffer; the registered one only writes whole strings or streams.
    private readonly JsonSerializerOptions _options = new OptionsOf(errorInfo).Options;

    private sealed class OptionsOf(IErrorInfoProvider errorInfo) : global::GraphQL.SystemTextJson.GraphQLSerializer(errorInfo)
    {
        public JsonSerializerOptions Options => SerializerOptions;
    }

    public string Serialize(ExecutionResult result, bool legacy, string? lang = null) => Serialize(result, legacy, lang, null, out _);

    /// <summary>Serialises within <paramref name="budget"/> (the request's; the configured limit when null) and charges it.</summary>
    public string Serialize(ExecutionResult result, bool legacy, string? lang, RequestBudget? budget, out bool tooLarge)
    {
        var limit = budget?.ResponseBytesLeft ?? limits.Value.MaxResponseBytes;
        var json = TrySerialize(result, Math.Max(0, limit), out var bytes);
        tooLarge = json is null;
        if (json is null)
        {
            var code = ErrorCodes.ResponseTooLarge;
            json = serializer.Serialize(new ExecutionResult
            {
                Errors = [new GenAuthExecutionError(code.Message(lang), code.Code, new { limit = limits.Value.MaxResponseBytes })],
            });
            bytes = Encoding.UTF8.GetByteCount(json);
        }
        if (budget is not null)
            budget.ResponseBytesLeft -= bytes;
        return legacy ? ToLegacy(json) : json;
    }

    public JsonNode? ToNode(ExecutionResult result, bool legacy) =>
        JsonNode.Parse(Serialize(result, legacy));

    private string? TrySerialize(ExecutionResult result, long limit, out int bytes)
    {
        using var buffer = new CappedBufferWriter(limit);
        bytes = 0;
        try
        {
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = _options.Encoder, Indented = _options.WriteIndented }))
                JsonSerializer.Serialize(writer, result, _options);
            bytes = buffer.WrittenSpan.Length;
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        catch (ResponseTooLargeException)
        {
            return null;
        }
    }

    private sealed class ResponseTooLargeException : Exception;

    /// <summary>An IBufferWriter that refuses to grow past the limit: Utf8JsonWriter asks it for room as it goes.</summary>
    private sealed class CappedBufferWriter(long limit) : IBufferWriter<byte>, IDisposable
    {
        // Note: pooled, so the usual small answer costs no 16 KB allocation per request (P2).
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);
        private int _written;

        public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

        public void Advance(int count)
        {
            _written += count;
            if (_written > limit)
                throw new ResponseTooLargeException();
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => Ensure(sizeHint).AsMemory(_written);

        public Span<byte> GetSpan(int sizeHint = 0) => Ensure(sizeHint).AsSpan(_written);

        private byte[] Ensure(int sizeHint)
        {
            var need = (long)_written + Math.Max(sizeHint, 1);
            if (need <= _buffer.Length)
                return _buffer;
            // Note: room for the writer's next chunk may exceed the limit by a little; what was written never does.
            if (_written > limit)
                throw new ResponseTooLargeException();
            var size = Math.Max(need, Math.Min((long)_buffer.Length * 2, limit + 4096));
            if (size > Array.MaxLength)
                throw new ResponseTooLargeException();
            var bigger = ArrayPool<byte>.Shared.Rent((int)size);
            _buffer.AsSpan(0, _written).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
            return _buffer;
        }

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

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
