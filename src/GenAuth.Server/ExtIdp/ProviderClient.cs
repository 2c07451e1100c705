using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenAuth.Core.Common;
using GenAuth.Core.ExtIdps;
using GenAuth.Core.SignIn;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace GenAuth.Server.ExtIdp;

/// <summary>The per-flow secrets the browser's flow cookie carries: state, PKCE verifier, nonce.</summary>
public sealed record FlowSecrets(string State, string Verifier, string Nonce)
{
    public static FlowSecrets New() => new(Random(32), Random(48), Random(32));

    /// <summary>
    /// Secrets whose state is letters and digits only (64 hex characters): WeChat documents its state as [a-zA-Z0-9], at
    /// most 128 bytes, and DingTalk echoes it the same way; their flows have no PKCE or nonce, so only the state matters.
    /// </summary>
    public static FlowSecrets NewAlphanumeric() =>
        new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), Random(48), Random(32));

    public string Challenge => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));

    private static string Random(int bytes) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    public static string Base64Url(byte[] b) => System.Buffers.Text.Base64Url.EncodeToString(b);
}

/// <summary>
/// Talks to external providers as a relying party. OIDC: discovery and JWKS through Microsoft.IdentityModel's
/// ConfigurationManager (cached, refreshed on an unknown key id), code + PKCE S256, the id token validated by
/// JsonWebTokenHandler (signature against the provider's JWKS, iss, aud = our client id, exp, nonce), then userinfo
/// (its sub must equal the id token's). OAuth 2.0: code (+PKCE), token, userinfo and the connection's claim mapping.
/// Every failure is a GenAuthException: 2711 provider error, 2712 unreachable/timeout, 2713 bad id token, 2715 profile.
/// </summary>
public sealed partial class ProviderClient(IHttpClientFactory httpFactory)
{
    public const string HttpClientName = "genauth-extidp";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    public const int MaxResponseBytes = 256 * 1024;
    private static readonly ConcurrentDictionary<string, ConfigurationManager<OpenIdConnectConfiguration>> Configs = new();

    public async Task<string> AuthorizeUrlAsync(ExtIdpConn conn, IReadOnlyDictionary<string, string> fields, string redirectUri,
        FlowSecrets secrets, CancellationToken ct)
    {
        if (ConnTypes.IsOwnProtocol(conn.Type))
            return OwnAuthorizeUrl(conn.Type, fields, redirectUri, secrets);
        string endpoint, scope;
        var query = new Dictionary<string, string?>
        {
            ["response_type"] = "code", ["client_id"] = fields.GetValueOrDefault("clientId"), ["redirect_uri"] = redirectUri,
            ["state"] = secrets.State, ["code_challenge"] = secrets.Challenge, ["code_challenge_method"] = "S256",
        };
        if (ConnTypes.IsOidc(conn.Type))
        {
            var config = await DiscoverAsync(fields, ct);
            endpoint = config.AuthorizationEndpoint ?? throw new GenAuthException(ErrorCodes.ExtProviderError);
            scope = Scopes(fields.GetValueOrDefault("scopes"), "openid profile email");
            if (!scope.Split(' ').Contains("openid"))
                scope = "openid " + scope;
            query["nonce"] = secrets.Nonce;
        }
        else
        {
            endpoint = fields["authorizationEndpoint"];
            scope = Scopes(fields.GetValueOrDefault("scope") ?? fields.GetValueOrDefault("scopes"), "");
        }
        if (scope.Length > 0)
            query["scope"] = scope;
        // Apple answers the callback as a POST (and requires it when name or email is asked for).
        if (UsesFormPost(fields))
            query["response_mode"] = "form_post";
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(endpoint, query);
    }

    /// <summary>Whether the provider posts the callback (response_mode=form_post): the flow cookie must then cross sites.</summary>
    public static bool UsesFormPost(IReadOnlyDictionary<string, string> fields) => fields.GetValueOrDefault("responseMode") == "form_post";

    /// <summary>Exchanges the code and returns the validated profile.</summary>
    public async Task<ExternalProfile> CompleteAsync(ExtIdpConn conn, IReadOnlyDictionary<string, string> fields, string redirectUri,
        FlowSecrets secrets, string code, CancellationToken ct)
    {
        try
        {
            if (ConnTypes.IsOwnProtocol(conn.Type))
                return await CompleteOwnAsync(conn.Type, fields, code, ct);
            return ConnTypes.IsOidc(conn.Type)
                ? await CompleteOidcAsync(conn.Type, fields, redirectUri, secrets, code, ct)
                : await CompleteOAuth2Async(conn, fields, redirectUri, secrets, code, ct);
        }
        catch (HttpRequestException)
        {
            throw new GenAuthException(ErrorCodes.ExtProviderUnreachable);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new GenAuthException(ErrorCodes.ExtProviderUnreachable);
        }
        catch (JsonException)
        {
            throw new GenAuthException(ErrorCodes.ExtProviderError);
        }
    }

    private async Task<ExternalProfile> CompleteOidcAsync(string type, IReadOnlyDictionary<string, string> fields, string redirectUri,
        FlowSecrets secrets, string code, CancellationToken ct)
    {
        var config = await DiscoverAsync(fields, ct);
        var tokens = await ExchangeAsync(type, config.TokenEndpoint, fields, redirectUri, secrets, code, ct);
        var idToken = Str(tokens, "id_token") ?? throw new GenAuthException(ErrorCodes.ExtTokenInvalid);
        var clientId = fields["clientId"];
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = config.Issuer,
            ValidAudience = clientId,
            IssuerSigningKeys = Keys(type, config, fields),
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromMinutes(1),
        };
        if (type == ConnTypes.Microsoft)
            parameters.IssuerValidator = MicrosoftIssuerValidator(config.Issuer);
        var handler = new JsonWebTokenHandler { MapInboundClaims = false };
        var result = await handler.ValidateTokenAsync(idToken, parameters);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // The provider may have rotated its keys since the JWKS was cached: fetch it again once.
            var manager = Manager(fields);
            manager.RequestRefresh();
            config = await manager.GetConfigurationAsync(ct);
            parameters.IssuerSigningKeys = Keys(type, config, fields);
            result = await handler.ValidateTokenAsync(idToken, parameters);
        }
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
            throw new GenAuthException(ErrorCodes.ExtTokenInvalid);
        if (!jwt.TryGetPayloadValue<string>("nonce", out var nonce) || !FixedEquals(nonce, secrets.Nonce))
            throw new GenAuthException(ErrorCodes.ExtTokenInvalid);
        // With several audiences the token must name us as its authorized party (OIDC Core 3.1.3.7).
        if (jwt.Audiences.Count() > 1 && (!jwt.TryGetPayloadValue<string>("azp", out var azp) || azp != clientId))
            throw new GenAuthException(ErrorCodes.ExtTokenInvalid);
        var sub = jwt.Subject;
        if (string.IsNullOrEmpty(sub))
            throw new GenAuthException(ErrorCodes.ExtTokenInvalid);

        var claims = JsonNode.Parse(Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload)))!.AsObject();
        foreach (var k in new[] { "nonce", "at_hash", "c_hash", "sid", "auth_time", "iat", "exp" })
            claims.Remove(k);
        var access = Str(tokens, "access_token");
        if (access is not null && !string.IsNullOrEmpty(config.UserInfoEndpoint))
        {
            var info = await GetJsonAsync(config.UserInfoEndpoint, access, ct);
            if (Str(info, "sub") != sub)
                throw new GenAuthException(ErrorCodes.ExtProfileInvalid);
            foreach (var (k, v) in info)
                claims[k] = v?.DeepClone();
        }
        return new ExternalProfile(sub)
        {
            Email = Str(claims, "email"), EmailVerified = Bool(claims, "email_verified"),
            Phone = Str(claims, "phone_number"), PhoneVerified = Bool(claims, "phone_number_verified"),
            Name = Str(claims, "name"), Nickname = Str(claims, "nickname") ?? Str(claims, "preferred_username"), Picture = Str(claims, "picture"),
            RawJson = claims.ToJsonString(), TokensJson = TokensJson(tokens),
        };
    }

    /// <summary>
    /// Microsoft's multi-tenant endpoints (common, organizations) publish the issuer
    /// "https://login.microsoftonline.com/{tenantid}/v2.0": a token's iss must be that template with {tenantid} replaced by
    /// the token's own tid claim (a GUID), as Microsoft documents for multi-tenant apps. A single-tenant issuer is compared
    /// as is. Note: which tenants may sign in is not restricted here; a pool that wants one tenant sets tenant to its id.
    /// </summary>
    private static IssuerValidator MicrosoftIssuerValidator(string configured) => (issuer, token, parameters) =>
    {
        var expected = configured;
        if (configured.Contains("{tenantid}", StringComparison.Ordinal))
            expected = token is JsonWebToken jwt && jwt.TryGetPayloadValue<string>("tid", out var tid) && Guid.TryParseExact(tid, "D", out _)
                ? configured.Replace("{tenantid}", tid, StringComparison.Ordinal)
                : null;
        return expected is not null && string.Equals(issuer, expected, StringComparison.Ordinal)
            ? issuer
            : throw new SecurityTokenInvalidIssuerException("The token's iss does not name its tenant.");
    };

    /// <summary>
    /// The keys an id token may be signed with: the provider's JWKS, and for LINE also its channel secret (LINE signs web
    /// logins' id tokens HS256 with it). Note: never for other types — a symmetric key next to a public JWKS would let
    /// anyone who knows the client secret mint id tokens for any subject.
    /// </summary>
    private static IEnumerable<SecurityKey> Keys(string type, OpenIdConnectConfiguration config, IReadOnlyDictionary<string, string> fields) =>
        type == ConnTypes.Line && fields.GetValueOrDefault("clientSecret") is { Length: >= 32 } channelSecret
            ? [.. config.SigningKeys, new SymmetricSecurityKey(Encoding.UTF8.GetBytes(channelSecret))]
            : config.SigningKeys;

    private async Task<ExternalProfile> CompleteOAuth2Async(ExtIdpConn conn, IReadOnlyDictionary<string, string> fields, string redirectUri,
        FlowSecrets secrets, string code, CancellationToken ct)
    {
        var tokens = await ExchangeAsync(conn.Type, fields["tokenEndpoint"], fields, redirectUri, secrets, code, ct);
        var access = Str(tokens, "access_token") ?? throw new GenAuthException(ErrorCodes.ExtProviderError);
        var info = await GetJsonAsync(fields["userInfoEndpoint"], access, ct);
        var mapping = ClaimMapping.Of(conn.Type, fields.GetValueOrDefault("mapping"));
        var sub = mapping.Get(info, "id");
        if (string.IsNullOrEmpty(sub))
            throw new GenAuthException(ErrorCodes.ExtProfileInvalid);
        return new ExternalProfile(sub)
        {
            Email = mapping.Get(info, "email"), EmailVerified = mapping.Get(info, "emailVerified") is "true" or "True",
            Phone = mapping.Get(info, "phone"), PhoneVerified = mapping.Get(info, "phoneVerified") is "true" or "True",
            Name = mapping.Get(info, "name"), Nickname = mapping.Get(info, "nickname"), Picture = mapping.Get(info, "photo"),
            RawJson = info.ToJsonString(), TokensJson = TokensJson(tokens),
        };
    }

    private async Task<OpenIdConnectConfiguration> DiscoverAsync(IReadOnlyDictionary<string, string> fields, CancellationToken ct)
    {
        try
        {
            return await Manager(fields).GetConfigurationAsync(ct);
        }
        catch (InvalidOperationException)
        {
            // IdentityModel wraps every retrieval failure (refused connection, timeout, bad document) in this.
            throw new GenAuthException(ErrorCodes.ExtProviderUnreachable);
        }
    }

    private ConfigurationManager<OpenIdConnectConfiguration> Manager(IReadOnlyDictionary<string, string> fields)
    {
        var issuer = fields["issuerUrl"].TrimEnd('/');
        var url = issuer.Contains("/.well-known/", StringComparison.Ordinal) ? issuer : issuer + "/.well-known/openid-configuration";
        return Configs.GetOrAdd(url, u => new ConfigurationManager<OpenIdConnectConfiguration>(u, new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(Http()) { RequireHttps = u.StartsWith("https:", StringComparison.Ordinal) })
        {
            AutomaticRefreshInterval = TimeSpan.FromHours(12),
            RefreshInterval = TimeSpan.FromSeconds(30),
        });
    }

    private async Task<JsonObject> ExchangeAsync(string type, string? tokenEndpoint, IReadOnlyDictionary<string, string> fields, string redirectUri,
        FlowSecrets secrets, string code, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(tokenEndpoint))
            throw new GenAuthException(ErrorCodes.ExtProviderError);
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = redirectUri, ["code_verifier"] = secrets.Verifier,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint);
        var clientId = fields["clientId"];
        if (fields.TryGetValue("clientSecret", out var secret) && secret.Length > 0 && ConnTypes.SecretInForm(type, fields))
        {
            form["client_id"] = clientId;
            form["client_secret"] = secret;
        }
        else if (secret is { Length: > 0 })
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));
        else
            form["client_id"] = clientId;
        request.Content = new FormUrlEncodedContent(form);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await Http().SendAsync(request, ct);
        var body = await ReadJsonAsync(response, ct);
        if (!response.IsSuccessStatusCode || body["error"] is not null)
            throw new GenAuthException(ErrorCodes.ExtProviderError);
        return body;
    }

    private async Task<JsonObject> GetJsonAsync(string url, string accessToken, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await Http().SendAsync(request, ct);
        var body = await ReadJsonAsync(response, ct);
        if (!response.IsSuccessStatusCode)
            throw new GenAuthException(ErrorCodes.ExtProviderError);
        return body;
    }

    private static async Task<JsonObject> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes)
                throw new GenAuthException(ErrorCodes.ExtProviderError);
            buffer.Write(chunk, 0, read);
        }
        return JsonNode.Parse(buffer.ToArray()) as JsonObject ?? throw new GenAuthException(ErrorCodes.ExtProviderError);
    }

    private HttpClient Http() => httpFactory.CreateClient(HttpClientName);

    private static string Scopes(string? configured, string fallback) =>
        string.Join(' ', (configured ?? fallback).Split([' ', ','], StringSplitOptions.RemoveEmptyEntries));

    private static string? TokensJson(JsonObject tokens)
    {
        var kept = new JsonObject();
        foreach (var k in new[] { "access_token", "refresh_token", "id_token", "expires_in", "scope", "token_type" })
            if (tokens[k] is { } v)
                kept[k] = v.DeepClone();
        return kept.Count == 0 ? null : kept.ToJsonString();
    }

    internal static string? Str(JsonObject o, string name) => o[name] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => null,
    };

    private static bool Bool(JsonObject o, string name) => o[name] switch
    {
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) => s == "true",
        _ => false,
    };

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}

/// <summary>
/// Where an OAuth 2.0 provider's userinfo JSON keeps our fields (id, email, emailVerified, phone, phoneVerified, name,
/// nickname, photo): a connection's mapping (field → dotted path), over a preset's for the known providers (github, facebook, feishu, gitee).
/// </summary>
public sealed class ClaimMapping(IReadOnlyDictionary<string, string> paths)
{
    private static readonly Dictionary<string, Dictionary<string, string>> Presets = new(StringComparer.Ordinal)
    {
        // GitHub's /user: numeric id, login, name, avatar_url, and the public email (never marked verified there).
        ["github"] = new() { ["id"] = "id", ["email"] = "email", ["name"] = "name", ["nickname"] = "login", ["photo"] = "avatar_url" },
        // Facebook's /me?fields=id,name,email,picture (the email is never marked verified here).
        ["facebook"] = new() { ["id"] = "id", ["email"] = "email", ["name"] = "name", ["photo"] = "picture.data.url" },
        // Feishu's passport userinfo: open_id per app, union_id per developer, en_name, avatar_url, mobile.
        ["feishu"] = new() { ["id"] = "open_id", ["email"] = "email", ["name"] = "name", ["nickname"] = "en_name", ["photo"] = "avatar_url",
            ["phone"] = "mobile" },
        // Gitee's /api/v5/user (GitHub-shaped): numeric id, login, name, avatar_url, the public email (never marked verified).
        ["gitee"] = new() { ["id"] = "id", ["email"] = "email", ["name"] = "name", ["nickname"] = "login", ["photo"] = "avatar_url" },
        ["oauth2"] = new() { ["id"] = "id", ["email"] = "email", ["emailVerified"] = "email_verified", ["name"] = "name",
            ["nickname"] = "nickname", ["photo"] = "picture", ["phone"] = "phone_number", ["phoneVerified"] = "phone_number_verified" },
    };

    public static ClaimMapping Of(string type, string? mappingJson)
    {
        var paths = new Dictionary<string, string>(Presets.GetValueOrDefault(type) ?? Presets["oauth2"], StringComparer.Ordinal);
        if (mappingJson is not null && JsonNode.Parse(mappingJson) is JsonObject custom)
            foreach (var (k, v) in custom)
                if (v is JsonValue value && value.TryGetValue<string>(out var path) && path.Length is > 0 and <= 128)
                    paths[k] = path;
        return new ClaimMapping(paths);
    }

    public string? Get(JsonObject root, string field)
    {
        if (!paths.TryGetValue(field, out var path))
            return null;
        JsonNode? node = root;
        foreach (var part in path.Split('.'))
            node = node is JsonObject o ? o[part] : null;
        return node switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonValue v when v.GetValueKind() is JsonValueKind.Number => v.ToJsonString(),
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
            _ => null,
        };
    }
}
