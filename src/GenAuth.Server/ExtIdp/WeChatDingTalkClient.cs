using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using GenAuth.Core.Common;
using GenAuth.Core.ExtIdps;
using GenAuth.Core.SignIn;
using Microsoft.AspNetCore.WebUtilities;

namespace GenAuth.Server.ExtIdp;

/// <summary>
/// WeChat web QR login and DingTalk: code flows whose token and user calls aren't standard OAuth 2.0, so they have their
/// own small client here. The flow around them (state bound to the browser by the sealed flow cookie, spent once, the
/// callback, the pipeline) is the same as every other connection's. Neither provider supports PKCE or a nonce.
/// WeChat: authorize at open.weixin.qq.com/connect/qrconnect (appid, #wechat_redirect); the token call is a GET with the
/// appid and secret in the query and answers errors as 200 with errcode/errmsg; sns/userinfo takes the access token and
/// openid in the query. DingTalk: the token call POSTs JSON {clientId, clientSecret, code, grantType}; contact/users/me
/// takes the token in the x-acs-dingtalk-access-token header; errors are HTTP 4xx with {code, message}.
/// The key of the identity is the unionid (WeChat: when the app is bound to an Open Platform account; else the openid;
/// DingTalk: required), and both ids are kept.
/// </summary>
public sealed partial class ProviderClient
{
    private static string OwnAuthorizeUrl(string type, IReadOnlyDictionary<string, string> fields, string redirectUri, FlowSecrets secrets)
    {
        var clientId = fields.GetValueOrDefault("clientId") ?? throw new GenAuthException(ErrorCodes.ExtIdpFieldInvalid);
        var scope = fields.GetValueOrDefault("scope") is { Length: > 0 } s ? s.Trim() : ConnTypes.Defaults(type)["scope"];
        if (type == ConnTypes.WeChatPc)
        {
            // Note: WeChat wants its parameters in this order and the #wechat_redirect fragment, else it shows an error page.
            return QueryHelpers.AddQueryString(fields["authorizationEndpoint"], new KeyValuePair<string, string?>[]
            {
                new("appid", clientId), new("redirect_uri", redirectUri), new("response_type", "code"), new("scope", scope),
                new("state", secrets.State),
            }) + "#wechat_redirect";
        }
        return QueryHelpers.AddQueryString(fields["authorizationEndpoint"], new KeyValuePair<string, string?>[]
        {
            new("redirect_uri", redirectUri), new("response_type", "code"), new("client_id", clientId), new("scope", scope),
            new("state", secrets.State), new("prompt", "consent"),
        });
    }

    private Task<ExternalProfile> CompleteOwnAsync(string type, IReadOnlyDictionary<string, string> fields, string code, CancellationToken ct) =>
        type == ConnTypes.WeChatPc ? CompleteWeChatAsync(fields, code, ct) : CompleteDingTalkAsync(fields, code, ct);

    private async Task<ExternalProfile> CompleteWeChatAsync(IReadOnlyDictionary<string, string> fields, string code, CancellationToken ct)
    {
        var clientId = fields["clientId"];
        var secret = fields.GetValueOrDefault("clientSecret") ?? throw new GenAuthException(ErrorCodes.ExtIdpFieldInvalid);
        // The token call: a GET with the secret in the query (WeChat's only form). Note: the request URI is never logged
        // by us; IHttpClientFactory's logger redacts query strings (.NET 9+), so the secret doesn't reach a log either.
        var tokenUrl = QueryHelpers.AddQueryString(fields["tokenEndpoint"], new KeyValuePair<string, string?>[]
        {
            new("appid", clientId), new("secret", secret), new("code", code), new("grant_type", "authorization_code"),
        });
        var tokens = await GetWeChatAsync(tokenUrl, ct);
        var access = Str(tokens, "access_token") is { Length: > 0 and <= 1024 } a ? a : throw new GenAuthException(ErrorCodes.ExtProviderError);
        var openId = Str(tokens, "openid") is { Length: > 0 and <= 128 } o ? o : throw new GenAuthException(ErrorCodes.ExtProfileInvalid);

        var info = await GetWeChatAsync(QueryHelpers.AddQueryString(fields["userInfoEndpoint"], new KeyValuePair<string, string?>[]
        {
            new("access_token", access), new("openid", openId),
        }), ct);
        // The profile must be the token's user: the same openid, and the same unionid when both name one.
        if (Str(info, "openid") != openId)
            throw new GenAuthException(ErrorCodes.ExtProfileInvalid);
        var tokenUnion = Str(tokens, "unionid");
        var infoUnion = Str(info, "unionid");
        if (tokenUnion is { Length: > 0 } && infoUnion is { Length: > 0 } && tokenUnion != infoUnion)
            throw new GenAuthException(ErrorCodes.ExtProfileInvalid);
        var unionId = infoUnion is { Length: > 0 } ? infoUnion : tokenUnion is { Length: > 0 } ? tokenUnion : null;
        if (unionId is { Length: > 128 })
            throw new GenAuthException(ErrorCodes.ExtProfileInvalid);
        info["unionid"] = unionId;
        return new ExternalProfile(unionId ?? openId)
        {
            OpenId = openId, UnionId = unionId,
            Nickname = Str(info, "nickname"), Name = Str(info, "nickname"), Picture = Https(Str(info, "headimgurl")),
            RawJson = info.ToJsonString(), TokensJson = TokensJson(tokens),
        };
    }

    /// <summary>A WeChat API answer: errors come as HTTP 200 with a non-zero errcode (and errmsg), so both are checked.</summary>
    private async Task<JsonObject> GetWeChatAsync(string url, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using var response = await Http().SendAsync(request, ct);
        var body = await ReadJsonAsync(response, ct);
        if (!response.IsSuccessStatusCode || (body["errcode"] is { } errcode && errcode.ToJsonString() is not ("0" or "\"0\"")))
            throw new GenAuthException(ErrorCodes.ExtProviderError);
        return body;
    }

    private async Task<ExternalProfile> CompleteDingTalkAsync(IReadOnlyDictionary<string, string> fields, string code, CancellationToken ct)
    {
        var secret = fields.GetValueOrDefault("clientSecret") ?? throw new GenAuthException(ErrorCodes.ExtIdpFieldInvalid);
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, fields["tokenEndpoint"])
        {
            Content = System.Net.Http.Json.JsonContent.Create(new JsonObject
            {
                ["clientId"] = fields["clientId"], ["clientSecret"] = secret, ["code"] = code, ["grantType"] = "authorization_code",
            }),
        };
        tokenRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        JsonObject tokens;
        using (var response = await Http().SendAsync(tokenRequest, ct))
        {
            tokens = await ReadJsonAsync(response, ct);
            if (!response.IsSuccessStatusCode)
                throw new GenAuthException(ErrorCodes.ExtProviderError);
        }
        var access = Str(tokens, "accessToken") is { Length: > 0 and <= 1024 } a ? a : throw new GenAuthException(ErrorCodes.ExtProviderError);

        using var meRequest = new HttpRequestMessage(HttpMethod.Get, fields["userInfoEndpoint"]);
        meRequest.Headers.Add("x-acs-dingtalk-access-token", access);
        meRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        JsonObject me;
        using (var response = await Http().SendAsync(meRequest, ct))
        {
            me = await ReadJsonAsync(response, ct);
            if (!response.IsSuccessStatusCode)
                throw new GenAuthException(ErrorCodes.ExtProviderError);
        }
        var unionId = Str(me, "unionId") is { Length: > 0 and <= 128 } u ? u : throw new GenAuthException(ErrorCodes.ExtProfileInvalid);
        var openId = Str(me, "openId") is { Length: > 0 and <= 128 } o ? o : null;
        // DingTalk's mobile is national; stateCode is its country calling code (86 …).
        var phone = Str(me, "mobile") is { Length: > 0 and <= 20 } mobile
            ? Str(me, "stateCode") is { Length: > 0 and <= 4 } cc && cc.All(char.IsAsciiDigit) ? $"+{cc}{mobile}" : mobile
            : null;
        var kept = new JsonObject();
        if (Str(tokens, "refreshToken") is { } refresh)
            kept["refresh_token"] = refresh;
        kept["access_token"] = access;
        if (tokens["expireIn"] is JsonValue expires)
            kept["expires_in"] = expires.DeepClone();
        return new ExternalProfile(unionId)
        {
            OpenId = openId, UnionId = unionId,
            Nickname = Str(me, "nick"), Name = Str(me, "nick"), Picture = Https(Str(me, "avatarUrl")),
            // DingTalk's email is whatever the member typed (never verified); its mobile only when the admin says so.
            Email = Str(me, "email"), EmailVerified = false,
            Phone = phone, PhoneVerified = fields.GetValueOrDefault("phoneVerified") == "true",
            RawJson = me.ToJsonString(), TokensJson = kept.ToJsonString(),
        };
    }

    /// <summary>WeChat's and DingTalk's avatar CDNs answer https too but often hand out http:// URLs: only https is kept.</summary>
    private static string? Https(string? url) =>
        url is { Length: > 7 } && url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? "https://" + url[7..] : url;
}
