using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Duende.IdentityModel.OidcClient;
using GenAuth.Core.Audit;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Oidc;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Audit;

/// <summary>OIDC token issue, refresh and revocation, and the hosted pages' sign-in and sign-out: one event each.</summary>
public sealed class OidcEventTests : IAsyncLifetime
{
    private readonly OidcHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<List<AuditEvent>> EventsAsync(string type, string? userId = null) =>
        _host.App.QueryDbAsync(db => db.AuditEvents.AsNoTracking().Where(e => e.Type == type && (userId == null || e.UserId == userId))
            .OrderBy(e => e.Id).ToListAsync());

    private OidcClient Client(Browser browser, string id, string secret) => new(new OidcClientOptions
    {
        Authority = _host.BaseUri.ToString().TrimEnd('/') + "/oidc",
        ClientId = id,
        ClientSecret = secret,
        TokenClientCredentialStyle = Duende.IdentityModel.Client.ClientCredentialStyle.AuthorizationHeader,
        RedirectUri = OidcHost.Callback,
        PostLogoutRedirectUri = OidcHost.LoggedOut,
        Scope = "openid profile email offline_access",
        Browser = new RedirectBrowser(browser),
        Policy = { Discovery = { RequireHttps = false } },
    });

    private async Task<JsonNode> PostAsync(string path, string id, string secret, List<KeyValuePair<string, string>> form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = Basic.Of(id, secret);
        using var response = await _host.Gql.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    [Fact]
    public async Task CodeExchangeRefreshAndRevocationEachWriteOneEvent()
    {
        var (id, secret) = await _host.CreateClientAsync();
        var userId = await _host.RegisterAsync($"oidc-ev-{Guid.NewGuid():N}@example.com");
        var email = (await _host.App.QueryDbAsync(db => db.Users.AsNoTracking().FirstAsync(u => u.Id == userId))).Email!;
        var browser = await _host.SignedInBrowserAsync(email, id);
        Assert.Single(await EventsAsync(AuditEventTypes.Login, userId));

        var login = await Client(browser, id, secret!).LoginAsync();
        Assert.False(login.IsError, login.Error);
        // The authorization endpoint's SSO sign-in into the app is a sign-in (one event), the code exchange one issue.
        var logins = await EventsAsync(AuditEventTypes.Login, userId);
        Assert.Equal(2, logins.Count);
        Assert.Equal("oidc:sso", AuditViews.DetailString(logins[1].Detail, "method"));
        var issued = Assert.Single(await EventsAsync(AuditEventTypes.IssueToken, userId));
        Assert.Equal(id, issued.AppId);
        Assert.Equal("authorization_code", AuditViews.DetailString(issued.Detail, "grant"));
        Assert.Equal(AuditActors.User, issued.ActorKind);
        Assert.Empty(await EventsAsync(AuditEventTypes.RefreshToken, userId));

        var refreshed = await PostAsync("/oidc/token", id, secret!, [new("grant_type", "refresh_token"), new("refresh_token", login.RefreshToken)]);
        Assert.NotNull(refreshed["access_token"]);
        Assert.Single(await EventsAsync(AuditEventTypes.RefreshToken, userId));
        Assert.Single(await EventsAsync(AuditEventTypes.IssueToken, userId));

        // Revoking the live access token writes one revokeToken event (and the token is dead afterwards).
        var fresh = refreshed["access_token"]!.GetValue<string>();
        var revocation = await PostAsync("/oidc/token/revocation", id, secret!, [new("token", fresh)]);
        Assert.True(revocation.AsObject().Count == 0, revocation.ToJsonString()); // RFC 7009: 200, empty body
        var introspected = await PostAsync("/oidc/token/introspection", id, secret!, [new("token", fresh)]);
        Assert.False(introspected["active"]!.GetValue<bool>());
        var revoked = Assert.Single(await EventsAsync(AuditEventTypes.RevokeToken, userId));
        Assert.Equal(id, revoked.AppId);
        Assert.Equal(AuditActors.User, revoked.ActorKind);
        Assert.DoesNotContain(fresh, revoked.Detail ?? "");

        // Revoking it again answers the same empty 200 (RFC 7009 §2.2) but revokes nothing, so writes nothing.
        var again = await PostAsync("/oidc/token/revocation", id, secret!, [new("token", fresh)]);
        Assert.True(again.AsObject().Count == 0, again.ToJsonString());
        Assert.Single(await EventsAsync(AuditEventTypes.RevokeToken, userId));

        // A refused refresh (the old, rotated token replayed) writes no refreshToken event. Note: the replay also
        // revokes the whole token family (RFC 6749 §10.4) — this is why the event never showed when the test revoked a
        // token of that family *after* the replay: the token was already dead (invalid_token, which RFC 7009 answers
        // with the same empty 200), so nothing was revoked and, rightly, nothing was recorded.
        var replay = await PostAsync("/oidc/token", id, secret!, [new("grant_type", "refresh_token"), new("refresh_token", login.RefreshToken)]);
        Assert.Equal("invalid_grant", replay["error"]!.GetValue<string>());
        Assert.Single(await EventsAsync(AuditEventTypes.RefreshToken, userId));
        var newRefresh = refreshed["refresh_token"]!.GetValue<string>();
        Assert.True((await PostAsync("/oidc/token/revocation", id, secret!, [new("token", newRefresh)])).AsObject().Count == 0);
        Assert.Single(await EventsAsync(AuditEventTypes.RevokeToken, userId));
    }

    [Fact]
    public async Task RevokingARefreshTokenWritesOneEventAndAnotherClientsRevocationWritesNone()
    {
        var (id, secret) = await _host.CreateClientAsync();
        var (other, otherSecret) = await _host.CreateClientAsync(name: "Other");
        var userId = await _host.RegisterAsync($"oidc-rev-{Guid.NewGuid():N}@example.com");
        var email = (await _host.App.QueryDbAsync(db => db.Users.AsNoTracking().FirstAsync(u => u.Id == userId))).Email!;
        var browser = await _host.SignedInBrowserAsync(email, id);
        var login = await Client(browser, id, secret!).LoginAsync();
        Assert.False(login.IsError, login.Error);

        // Another client can't revoke this client's token (RFC 7009 §2.1): no revocation, no event.
        await PostAsync("/oidc/token/revocation", other, otherSecret!, [new("token", login.RefreshToken)]);
        Assert.Empty(await EventsAsync(AuditEventTypes.RevokeToken, userId));
        Assert.True((await PostAsync("/oidc/token/introspection", id, secret!, [new("token", login.RefreshToken)]))["active"]!.GetValue<bool>());

        await PostAsync("/oidc/token/revocation", id, secret!, [new("token", login.RefreshToken), new("token_type_hint", "refresh_token")]);
        var e = Assert.Single(await EventsAsync(AuditEventTypes.RevokeToken, userId));
        Assert.Equal(id, e.AppId);
        Assert.DoesNotContain(login.RefreshToken, e.Detail ?? "");
        Assert.False((await PostAsync("/oidc/token/introspection", id, secret!, [new("token", login.RefreshToken)]))["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AClientCredentialsTokenWritesOneEventForTheApp()
    {
        var (id, secret) = await _host.CreateClientAsync("grantTypes: [\"client_credentials\"]");
        var token = await PostAsync("/oidc/token", id, secret!, [new("grant_type", "client_credentials")]);
        Assert.NotNull(token["access_token"]);

        var e = Assert.Single(await EventsAsync(AuditEventTypes.IssueToken));
        Assert.Equal(AuditActors.System, e.ActorKind);
        Assert.Null(e.UserId);
        Assert.Equal("app:" + id, e.Target);
        Assert.Equal("client_credentials", AuditViews.DetailString(e.Detail, "grant"));

        // A refused request (wrong secret) issues nothing and writes nothing.
        var refused = await PostAsync("/oidc/token", id, "wrong-secret", [new("grant_type", "client_credentials")]);
        Assert.Equal("invalid_client", refused["error"]!.GetValue<string>());
        Assert.Single(await EventsAsync(AuditEventTypes.IssueToken));
    }

    [Fact]
    public async Task HostedSignOutAndEndSessionEachWriteOneLogout()
    {
        var (id, _) = await _host.CreateClientAsync();
        var userId = await _host.RegisterAsync($"oidc-out-{Guid.NewGuid():N}@example.com");
        var email = (await _host.App.QueryDbAsync(db => db.Users.AsNoTracking().FirstAsync(u => u.Id == userId))).Email!;

        // The personal center's sign-out.
        var browser = await _host.SignedInBrowserAsync(email, id);
        var (center, _) = await browser.FollowAsync($"/u?app_id={id}");
        Assert.Equal(HttpStatusCode.OK, center.StatusCode);
        var html = await center.Content.ReadAsStringAsync();
        using (var logout = await browser.Http.PostAsync("/u/logout", new FormUrlEncodedContent(
                   [new("__RequestVerificationToken", Hidden(html, "__RequestVerificationToken")), new("app_id", id)])))
            Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        var first = Assert.Single(await EventsAsync(AuditEventTypes.Logout, userId));
        Assert.Equal("hosted", AuditViews.DetailString(first.Detail, "method"));

        // RP-initiated logout with the SSO cookie.
        var again = await _host.SignedInBrowserAsync(email, id);
        using (var end = await again.Http.GetAsync("/oidc/session/end"))
            Assert.Equal(HttpStatusCode.OK, end.StatusCode);
        var events = await EventsAsync(AuditEventTypes.Logout, userId);
        Assert.Equal(2, events.Count);
        Assert.Equal("oidc:end_session", AuditViews.DetailString(events[1].Detail, "method"));

        // Ending an already ended session writes nothing more.
        using (var end = await again.Http.GetAsync("/oidc/session/end"))
            Assert.Equal(HttpStatusCode.OK, end.StatusCode);
        Assert.Equal(2, (await EventsAsync(AuditEventTypes.Logout, userId)).Count);
    }

    private static string Hidden(string html, string name)
    {
        var match = Regex.Match(html, $"name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\"");
        Assert.True(match.Success, $"no hidden input {name}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }
}
