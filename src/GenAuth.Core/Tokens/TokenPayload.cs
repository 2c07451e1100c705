using System.Text.Json.Serialization;

namespace GenAuth.Core.Tokens;

/// <summary>The claims this server reads back from its own tokens.</summary>
public sealed class TokenPayload
{
    [JsonPropertyName("iss")] public string? Iss { get; set; }
    [JsonPropertyName("sub")] public string? Sub { get; set; }
    [JsonPropertyName("aud")] public string? Aud { get; set; }
    [JsonPropertyName("iat")] public long Iat { get; set; }
    [JsonPropertyName("exp")] public long Exp { get; set; }
    [JsonPropertyName("sid")] public string? Sid { get; set; }
    [JsonPropertyName("userpool_id")] public string? UserPoolId { get; set; }
    [JsonPropertyName("token_type")] public string? TokenType { get; set; }
    [JsonPropertyName("scope")] public string? Scope { get; set; }

    /// <summary>Management tokens: the pool's secret version when issued (refreshUserpoolSecret bumps it).</summary>
    [JsonPropertyName("sv")] public int? SecretVersion { get; set; }
}

public static class TokenTypes
{
    public const string Id = "id_token";
    public const string Management = "management";
}

/// <summary>A token that has been issued: the string and its times.</summary>
public sealed record IssuedToken(string Token, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);
