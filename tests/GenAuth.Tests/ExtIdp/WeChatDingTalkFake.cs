using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GenAuth.Tests.ExtIdp;

/// <summary>One request the fake got (the secret-bearing parts included, so the tests can check where they travel).</summary>
public sealed record FakeRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, string? ContentType, string Body,
    string? Authorization, string? DingTalkToken);

/// <summary>A user at the fake provider: who scans the QR code (WeChat) or consents (DingTalk).</summary>
public sealed record FakeUser(string OpenId, string? UnionId, string Nick, string Avatar = "http://thirdwx.qlogo.cn/mmopen/fake/132",
    string? Mobile = null, string? Email = null);

/// <summary>
/// WeChat's web QR login API and DingTalk's new OAuth 2.0 login API on a loopback port (Kestrel), shaped like the real
/// ones: the paths, parameter names and placements, answers and error shapes (WeChat: HTTP 200 with errcode/errmsg and a
/// text/plain content type; DingTalk: HTTP 400 with {code, message, requestid}). The authorize endpoints stand for the user
/// scanning (consenting): they issue a code bound to the app and to <see cref="NextUser"/> and redirect back. Codes are
/// single-use and bound to the app they were issued to; access tokens to their app and user. <see cref="Mode"/> makes the
/// next answers misbehave (errors, another user's profile, missing ids).
/// </summary>
public sealed class WeChatDingTalkFake : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeRequest> _requests = new();
    private readonly ConcurrentDictionary<string, (string AppId, FakeUser User)> _codes = new();
    private readonly ConcurrentDictionary<string, (string AppId, FakeUser User)> _tokens = new();

    private WeChatDingTalkFake(WebApplication app) => _app = app;

    /// <summary>The apps registered at the fake: app id (WeChat AppID / DingTalk Client ID) → secret.</summary>
    public ConcurrentDictionary<string, string> Apps { get; } = new();

    public FakeUser NextUser { get; set; } = new("o-default", "u-default", "Default");

    /// <summary>
    /// How the next token / user answers misbehave: token-error, userinfo-error, token-no-openid, userinfo-other-openid,
    /// userinfo-other-unionid (WeChat); token-error, me-error, me-no-unionid (DingTalk). Null: like the real one.
    /// </summary>
    public string? Mode { get; set; }

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<FakeRequest> Requests => [.. _requests];

    public void ClearRequests() => _requests.Clear();

    public static async Task<WeChatDingTalkFake> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new WeChatDingTalkFake(app);
        app.Use(async (http, next) =>
        {
            http.Request.EnableBuffering();
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            http.Request.Body.Position = 0;
            fake._requests.Enqueue(new FakeRequest(http.Request.Method, http.Request.Path,
                http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()), http.Request.ContentType, body,
                http.Request.Headers.Authorization.FirstOrDefault(), http.Request.Headers["x-acs-dingtalk-access-token"].FirstOrDefault()));
            await next(http);
        });
        fake.MapWeChat(app);
        fake.MapDingTalk(app);
        await app.StartAsync();
        fake.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return fake;
    }

    public string WeChatAuthorize => BaseUrl + "/connect/qrconnect";
    public string WeChatToken => BaseUrl + "/sns/oauth2/access_token";
    public string WeChatUserInfo => BaseUrl + "/sns/userinfo";
    public string DingTalkAuthorize => BaseUrl + "/oauth2/auth";
    public string DingTalkToken => BaseUrl + "/v1.0/oauth2/userAccessToken";
    public string DingTalkMe => BaseUrl + "/v1.0/contact/users/me";

    /// <summary>A code as the provider would issue it to <paramref name="appId"/> for the user (the user scanned elsewhere).</summary>
    public string IssueCode(string appId, FakeUser user)
    {
        var code = Random();
        _codes[code] = (appId, user);
        return code;
    }

    private static string Random() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static IResult WeChatError(int errcode, string errmsg) =>
        Results.Text(JsonSerializer.Serialize(new { errcode, errmsg }), "text/plain");

    private void MapWeChat(WebApplication app)
    {
        app.MapGet("/connect/qrconnect", (HttpRequest r) =>
        {
            var q = r.Query;
            if (!Apps.ContainsKey(q["appid"].ToString()) || q["response_type"] != "code" || q["scope"] != "snsapi_login" || q["redirect_uri"].Count != 1)
                return Results.BadRequest("参数错误");
            var code = IssueCode(q["appid"].ToString(), NextUser);
            return Results.Redirect(QueryHelpers.AddQueryString(q["redirect_uri"].ToString(),
                new Dictionary<string, string?> { ["code"] = code, ["state"] = q["state"].ToString() }));
        });
        app.MapGet("/sns/oauth2/access_token", (HttpRequest r) =>
        {
            var q = r.Query;
            if (Mode == "token-error")
                return WeChatError(-1, "system error");
            if (!Apps.TryGetValue(q["appid"].ToString(), out var secret))
                return WeChatError(40013, "invalid appid");
            if (q["secret"] != secret)
                return WeChatError(40125, "invalid appsecret");
            if (q["grant_type"] != "authorization_code")
                return WeChatError(40002, "invalid grant_type");
            if (!_codes.TryRemove(q["code"].ToString(), out var issued) || issued.AppId != q["appid"])
                return WeChatError(40029, "invalid code");
            var token = Random();
            _tokens[token] = issued;
            var answer = new JsonObject
            {
                ["access_token"] = token, ["expires_in"] = 7200, ["refresh_token"] = Random(), ["openid"] = issued.User.OpenId,
                ["scope"] = "snsapi_login",
            };
            if (issued.User.UnionId is { } union)
                answer["unionid"] = union;
            if (Mode == "token-no-openid")
                answer.Remove("openid");
            return Results.Text(answer.ToJsonString(), "text/plain");
        });
        app.MapGet("/sns/userinfo", (HttpRequest r) =>
        {
            var q = r.Query;
            if (Mode == "userinfo-error")
                return WeChatError(40001, "invalid credential, access_token is invalid or not latest");
            if (!_tokens.TryGetValue(q["access_token"].ToString(), out var holder))
                return WeChatError(40001, "invalid credential, access_token is invalid or not latest");
            if (q["openid"] != holder.User.OpenId)
                return WeChatError(40003, "invalid openid");
            var user = holder.User;
            var answer = new JsonObject
            {
                ["openid"] = Mode == "userinfo-other-openid" ? "o-someone-else" : user.OpenId, ["nickname"] = user.Nick, ["sex"] = 1,
                ["language"] = "", ["city"] = "Shenzhen", ["province"] = "Guangdong", ["country"] = "CN", ["headimgurl"] = user.Avatar,
                ["privilege"] = new JsonArray(),
            };
            if (user.UnionId is { } union)
                answer["unionid"] = Mode == "userinfo-other-unionid" ? "u-someone-else" : union;
            return Results.Text(answer.ToJsonString(), "text/plain");
        });
    }

    private static IResult DingTalkError(int status, string code, string message) =>
        Results.Json(new { requestid = Guid.NewGuid().ToString("N").ToUpperInvariant(), code, message }, statusCode: status);

    private void MapDingTalk(WebApplication app)
    {
        app.MapGet("/oauth2/auth", (HttpRequest r) =>
        {
            var q = r.Query;
            if (!Apps.ContainsKey(q["client_id"].ToString()) || q["response_type"] != "code" || q["redirect_uri"].Count != 1
                || !q["scope"].ToString().Split(' ').Contains("openid"))
                return Results.BadRequest("invalid request");
            var code = IssueCode(q["client_id"].ToString(), NextUser);
            // DingTalk's login returns the code as authCode.
            return Results.Redirect(QueryHelpers.AddQueryString(q["redirect_uri"].ToString(),
                new Dictionary<string, string?> { ["authCode"] = code, ["state"] = q["state"].ToString() }));
        });
        app.MapPost("/v1.0/oauth2/userAccessToken", async (HttpRequest r) =>
        {
            if (Mode == "token-error")
                return DingTalkError(500, "ServiceUnavailable", "服务暂不可用");
            if (r.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
                return DingTalkError(400, "MissingParameter", "body is not JSON");
            JsonObject? body;
            try
            {
                body = await JsonNode.ParseAsync(r.Body) as JsonObject;
            }
            catch (JsonException)
            {
                body = null;
            }
            string? Field(string name) => body?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            if (body is null || Field("clientId") is not { } clientId || !Apps.TryGetValue(clientId, out var secret))
                return DingTalkError(400, "invalidParameter.clientId.notFound", "clientId不存在");
            if (Field("clientSecret") != secret)
                return DingTalkError(400, "invalidParameter.clientSecret.invalid", "clientSecret不合法");
            if (Field("grantType") != "authorization_code")
                return DingTalkError(400, "invalidParameter.grantType.invalid", "grantType不合法");
            if (Field("code") is not { } code || !_codes.TryRemove(code, out var issued) || issued.AppId != clientId)
                return DingTalkError(400, "invalidParameter.authCode.notFound", "不合法的临时授权码");
            var token = Random();
            _tokens[token] = issued;
            return Results.Json(new { expireIn = 7200, accessToken = token, refreshToken = Random(), corpId = "ding-corp" });
        });
        app.MapGet("/v1.0/contact/users/me", (HttpRequest r) =>
        {
            if (Mode == "me-error")
                return DingTalkError(403, "Forbidden.AccessDenied.AccessTokenPermissionDenied", "没有调用该接口的权限");
            if (!_tokens.TryGetValue(r.Headers["x-acs-dingtalk-access-token"].ToString(), out var holder))
                return DingTalkError(400, "InvalidAuthentication", "不合法的access_token");
            var user = holder.User;
            var answer = new JsonObject
            {
                ["nick"] = user.Nick, ["avatarUrl"] = user.Avatar, ["openId"] = user.OpenId, ["unionId"] = user.UnionId,
                ["stateCode"] = "86",
            };
            if (user.Mobile is { } mobile)
                answer["mobile"] = mobile;
            if (user.Email is { } email)
                answer["email"] = email;
            if (Mode == "me-no-unionid")
                answer.Remove("unionId");
            return Results.Json(answer);
        });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
