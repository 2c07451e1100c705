using GenAuth.Core.Data;

namespace GenAuth.Core.Sessions;

/// <summary>
/// How ending a session reaches the apps signed in under it (the OIDC server's implementation: a logout_token POSTed to
/// each back-channel logout URI, and the front-channel logout URLs handed back for a browser to load in hidden iframes).
/// Without one registered, a logout just ends the session.
/// </summary>
public interface ISessionLogoutChannels
{
    /// <summary>Ends the session and the app sessions under it; answers the front-channel logout URLs of their apps.</summary>
    Task<IReadOnlyList<string>> EndAsync(GenAuthDbContext db, string sessionId, CancellationToken ct);
}
