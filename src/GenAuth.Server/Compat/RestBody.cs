using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using GenAuth.Core.Common;
using GenAuth.Server.GraphQL;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace GenAuth.Server.Compat;

/// <summary>
/// Reads the bodies of GenAuth's REST paths: JSON (or a form) as one JSON object; absent reads as empty. GenAuth clients
/// send odd bodies (forms, "true" for true, a number where a string goes), so fields are read leniently: a value of
/// the wrong kind reads as absent, never as a 500.
/// </summary>
public static class RestBody
{
    /// <summary>camelCase names as the SDK sends them, matched exactly; lenient strings, flags and string lists.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new LenientString(), new LenientBool(), new LenientStringList(), new LenientReadOnlyStringList() },
    };

    public static async Task<JsonElement> ReadAsync(HttpContext http)
    {
        // Note: REST bodies get the GraphQL endpoint's limit (GenAuth:Http:MaxBodyBytes), not Kestrel's 30 MB, so a
        // flood of huge bodies can't make every REST path parse megabytes before it checks anything.
        var limit = http.RequestServices.GetRequiredService<IOptions<GraphQLHttpOptions>>().Value.MaxBodyBytes;
        LimitBody(http, limit);
        try
        {
            return await ReadWithinLimitAsync(http, limit);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(limit);
        }
    }

    /// <summary>
    /// Caps what this request's body may hold (raising or lowering the server-wide limit for this path): a declared
    /// length over it is refused at once with 4130, a chunked body when reading passes it.
    /// </summary>
    public static void LimitBody(HttpContext http, long limit)
    {
        if (http.Request.ContentLength > limit)
            throw TooLarge(limit);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limit;
    }

    /// <summary>The form of a multipart or urlencoded body of at most <paramref name="limit"/> bytes (4130 past it).</summary>
    public static async Task<IFormCollection> ReadFormAsync(HttpContext http, long limit, CancellationToken ct)
    {
        LimitBody(http, limit);
        try
        {
            return await http.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limit }, ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(limit);
        }
        catch (InvalidDataException)
        {
            // The form reader's own limits (body length, value count, boundary): a malformed or oversized form.
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "the form can't be read");
        }
    }

    private static GenAuthException TooLarge(long limit) =>
        new(ErrorCodes.BodyTooLarge, detail: $"the body is larger than {limit} bytes");

    private static async Task<JsonElement> ReadWithinLimitAsync(HttpContext http, long limit)
    {
        if (http.Request.HasFormContentType)
        {
            var form = await ReadFormAsync(http, limit, http.RequestAborted);
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

    /// <summary>The body as <typeparamref name="T"/>; a body that is no object reads as an empty one.</summary>
    public static T Read<T>(JsonElement body) where T : class
    {
        try
        {
            return (body.ValueKind == JsonValueKind.Object ? body.Deserialize<T>(Options) : JsonSerializer.Deserialize<T>("{}", Options))
                   ?? throw new GenAuthException(ErrorCodes.BadRequest, detail: "the body must be a JSON object");
        }
        catch (JsonException)
        {
            // Note: only a field typed beyond the lenient kinds gets here (e.g. a nested record given a number).
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "the body has a field of the wrong type");
        }
    }

    /// <summary>A string, or null for any other kind of value.</summary>
    private sealed class LenientString : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String)
                return reader.GetString();
            reader.Skip();
            return null;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    /// <summary>true, or the string "true" (form bodies); anything else is false.</summary>
    private sealed class LenientBool : JsonConverter<bool>
    {
        public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var value = reader.TokenType == JsonTokenType.True || (reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("true"));
            reader.Skip();
            return value;
        }

        public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) => writer.WriteBooleanValue(value);
    }

    /// <summary>The strings of an array (other items skipped); null when the value is no array.</summary>
    private sealed class LenientStringList : JsonConverter<List<string>>
    {
        public override List<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                return null;
            }
            var list = new List<string>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.String)
                    list.Add(reader.GetString()!);
                else
                    reader.Skip();
            }
            return list;
        }

        public override void Write(Utf8JsonWriter writer, List<string> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.ToArray(), options);
    }

    /// <summary>The same for Core inputs that take IReadOnlyList (the REST application body is Core's OidcClientInput).</summary>
    private sealed class LenientReadOnlyStringList : JsonConverter<IReadOnlyList<string>>
    {
        private static readonly LenientStringList Inner = new();

        public override IReadOnlyList<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Inner.Read(ref reader, typeof(List<string>), options);

        public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.ToArray(), options);
    }
}

/// <summary>
/// A REST body bound to <typeparamref name="T"/> as a handler parameter. Reading it never fails the binding: a body
/// that can't be read is kept as the GenAuth error it is and raised when the handler reads <see cref="Value"/>, inside
/// <see cref="Rest.RunAsync"/>, so the caller gets the envelope with code 400 as before.
/// </summary>
public sealed class RestBody<T> : IBindableFromHttpContext<RestBody<T>> where T : class
{
    private readonly T? _value;
    private readonly GenAuthException? _error;

    private RestBody(T? value, GenAuthException? error)
    {
        _value = value;
        _error = error;
    }

    public T Value => _error is null ? _value! : throw _error;

    public static async ValueTask<RestBody<T>?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        try
        {
            return new RestBody<T>(RestBody.Read<T>(await RestBody.ReadAsync(context)), null);
        }
        catch (GenAuthException e)
        {
            return new RestBody<T>(null, e);
        }
    }
}

/// <summary>
/// An integer query parameter read leniently: a malformed value is null (the path's default), never an HTTP 400.
/// Handlers take it as QueryInt? (absent is null too; minimal APIs can't bind a struct's default value).
/// </summary>
public readonly record struct QueryInt(int? Value)
{
    public static bool TryParse(string? text, out QueryInt result)
    {
        result = new QueryInt(int.TryParse(text, out var v) ? v : null);
        return true;
    }

}

public static class QueryIntExtensions
{
    /// <summary>The value, or the path's default when the parameter is absent or malformed.</summary>
    public static int Or(this QueryInt? query, int fallback) => query?.Value ?? fallback;
}

/// <summary>A flag in the query: on only for the string "true".</summary>
public readonly record struct QueryFlag(bool Value)
{
    public static bool TryParse(string? text, out QueryFlag result)
    {
        result = new QueryFlag(text == "true");
        return true;
    }
}
