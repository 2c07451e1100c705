using GenAuth.Core.Applications;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using OpenIddict.Server;
using Microsoft.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace GenAuth.Server.Oidc;

/// <summary>
/// A programmatic access account (AK/SK) as its own client at the token endpoint: client_credentials with
/// client_id = the AK and client_secret = its SK is read as a request of the account's app, once the SK is checked to
/// be that account's (enabled) secret. Everything after (the app's grant types, its SK check, the token's audience and
/// signing key) is the app's. A wrong or disabled pair leaves the AK as the client id, which no client has: invalid_client.
/// </summary>
public sealed class AccessAccountClientHandler(GenAuthDbContext db, PoolDirectory directory) : IOpenIddictServerHandler<ExtractTokenRequestContext>
{
    public async ValueTask HandleAsync(ExtractTokenRequestContext context)
    {
        var request = context.Request;
        if (request is null || request.GrantType != GrantTypes.ClientCredentials
            || request.ClientId is not { Length: > 0 and <= 64 } clientId || request.ClientSecret is not { Length: > 0 and <= 256 } secret)
            return;
        // Note: an app's own client id (the usual case, P7's path) is answered from the directory's app cache, which the
        // client lookup right after reads anyway: no query is added for it.
        if (await directory.FindAppAsync(db, clientId, context.CancellationToken) is not null)
            return;
        if (await AppAuthorizationService.AccountClientAsync(db, clientId, secret, context.CancellationToken) is not { } account)
            return;
        request.ClientId = account.AppId;
        // The account's own token lifetime (tokenLifetime, set when it was created) replaces the app's for this token.
        if (account.TokenLifetime > 0 && context.Transaction.GetHttpRequest() is { } http)
            http.HttpContext.Items[LifetimeItem] = TimeSpan.FromSeconds(account.TokenLifetime);
    }

    /// <summary>The HttpContext item holding the access token lifetime of the AK this request authenticated with.</summary>
    public const string LifetimeItem = "GenAuth.AccessAccountTokenLifetime";
}
