using GenAuth.Core.Data;
using GenAuth.Core.Tokens;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GenAuth.Server.Oidc;

/// <summary>An app session that ended with a logout: who, which app, which session (the logout_token's sub and sid).</summary>
public sealed record EndedAppSession(string SessionId, string UserId, string AppId, string? BackchannelLogoutUri);

/// <summary>
/// OpenID Connect Back-Channel Logout 1.0: when a browser session ends, each app that registered a back-channel URI
/// receives a logout_token (a JWT signed with the pool's key) naming the user and the session, POSTed form-encoded.
/// Delivery is best effort and bounded (Timeout per request, all in parallel): a slow or dead RP can't hold a logout.
/// </summary>
public sealed class BackchannelLogout(IHttpClientFactory http, IServiceScopeFactory scopes, PoolKeyCache keys, IssuerProvider issuer,
    TimeProvider clock, ILogger<BackchannelLogout> logger)
{
    public const string HttpClientName = "genauth-oidc-backchannel";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private static readonly JsonWebTokenHandler Handler = new();

    public async Task NotifyAsync(IReadOnlyList<EndedAppSession> ended, CancellationToken ct)
    {
        var targets = ended.Where(e => e.BackchannelLogoutUri is not null).ToList();
        if (targets.Count == 0)
            return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
        var sends = new List<Task>();
        foreach (var target in targets)
        {
            if (await keys.ForClientAsync(db, target.AppId, ct) is not { } key)
                continue;
            var now = clock.GetUtcNow();
            var token = Handler.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = issuer.Issuer(""),
                Audience = target.AppId,
                IssuedAt = now.UtcDateTime,
                NotBefore = now.UtcDateTime,
                Expires = now.AddMinutes(2).UtcDateTime,
                TokenType = "logout+jwt",
                SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.RsaSha256),
                Claims = new Dictionary<string, object>
                {
                    ["sub"] = target.UserId,
                    ["sid"] = target.SessionId,
                    ["jti"] = Guid.NewGuid().ToString("N"),
                    ["events"] = new Dictionary<string, object> { ["http://schemas.openid.net/event/backchannel-logout"] = new Dictionary<string, object>() },
                },
            });
            sends.Add(SendAsync(target, token, ct));
        }
        await Task.WhenAll(sends);
    }

    private async Task SendAsync(EndedAppSession target, string token, CancellationToken ct)
    {
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(Timeout);
            using var content = new FormUrlEncodedContent([new("logout_token", token)]);
            using var response = await http.CreateClient(HttpClientName).PostAsync(target.BackchannelLogoutUri, content, cts.Token);
            if (!response.IsSuccessStatusCode)
                logger.LogWarning("Back-channel logout to app {AppId} answered {Status}", target.AppId, (int)response.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or InvalidOperationException)
        {
            logger.LogWarning("Back-channel logout to app {AppId} failed: {Error}", target.AppId, e.GetType().Name);
        }
    }
}
