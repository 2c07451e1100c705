using System.Text.Json;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.ExtIdps;
using GenAuth.Core.Pools;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.SignIn;

/// <summary>
/// What an external provider proved about its user, after the edge validated the protocol (state, PKCE, id token).
/// Email and phone count only with their Verified flag: an unverified address is never used to find a local account.
/// </summary>
public sealed record ExternalProfile(string Subject)
{
    public string? Email { get; init; }
    public bool EmailVerified { get; init; }
    public string? Phone { get; init; }
    public bool PhoneVerified { get; init; }
    public string? Name { get; init; }
    public string? GivenName { get; init; }
    public string? FamilyName { get; init; }
    public string? Nickname { get; init; }
    public string? Picture { get; init; }
    /// <summary>The login name at the provider (directories): the new user's username when it is valid and free.</summary>
    public string? Username { get; init; }
    /// <summary>WeChat's / DingTalk's per-app openid, kept on a new user (GenAuth's User.openid); null: the subject.</summary>
    public string? OpenId { get; init; }
    /// <summary>
    /// WeChat's / DingTalk's developer-wide unionid (GenAuth's User.unionid): when set it is the subject, and an identity
    /// with it under a sibling connection of the same family (<see cref="ConnTypes.UnionFamily"/>) is the same person.
    /// </summary>
    public string? UnionId { get; init; }
    /// <summary>The profile the provider sent (id token claims + userinfo), stored on the identity as JSON.</summary>
    public string RawJson { get; init; } = "{}";
    /// <summary>The provider's tokens (JSON), sealed on the identity; never answered.</summary>
    public string? TokensJson { get; init; }
}

/// <summary>
/// The external identity way in (OIDC / OAuth 2.0 connections). The credential is the provider's validated profile:
/// 1) an identity already linked to the connection's subject signs its user in;
/// 2) else the connection's userMatchFields (email, phone) may find a user, only when the value is verified at the
///    provider AND on the local account (anything else would let whoever controls an unverified address take over an
///    account, or let a pre-registered squatter receive the victim's login): refused with 2714 otherwise;
/// 3) else a new user is created just in time, unless the pool forbids registration (2047).
/// Then SignInService runs the usual checks (blocked, app access, verified email, second factor). A refusal by the
/// pipeline leaves no identity or link written (they are saved with the session or the MFA challenge).
/// </summary>
public sealed class ExternalSignInService(
    GenAuthDbContext db,
    CallerContext caller,
    SignInService signIn,
    RegistrationService registration,
    ExtIdpService extIdps,
    TimeProvider clock)
{
    public const int MaxProfileJson = 32 * 1024;

    public Task<SignInOutcome> SignInAsync(ExtIdpConn conn, ExternalProfile profile, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(profile.Subject) || profile.Subject.Length > 255)
            throw new GenAuthException(ErrorCodes.ExtProfileInvalid);
        var method = TextCut.Clip(conn.Type + ":" + conn.Identifier, 64);
        return signIn.SignInAsync(new SignInRequest(method, c => AuthenticateAsync(conn, profile, c)), ct);
    }

    /// <summary>The credential step of an external sign-in (also run by directory logins inside their own request).</summary>
    internal async Task<Credential> AuthenticateAsync(ExtIdpConn conn, ExternalProfile p, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var now = clock.GetUtcNow().UtcDateTime;
        var raw = p.RawJson.Length > MaxProfileJson ? "{}" : p.RawJson;
        var sealedTokens = p.TokensJson is null ? null : extIdps.Seal("GenAuth.Identity.tokens.v1", p.TokensJson);

        var linked = await db.UserIdentities.FirstOrDefaultAsync(i => i.ConnId == conn.Id && i.ProviderUserId == p.Subject, ct);
        if (linked is null && p.OpenId is { Length: > 0 } openId && openId != p.Subject)
        {
            // A WeChat app bound to an Open Platform account after its users signed in: their identities were keyed by the
            // openid; they now carry a unionid, so the identity is re-keyed (same connection, same person).
            linked = await db.UserIdentities.FirstOrDefaultAsync(i => i.ConnId == conn.Id && i.ProviderUserId == openId, ct);
            if (linked is not null)
                linked.ProviderUserId = p.Subject;
        }
        if (linked is not null)
        {
            var owner = await db.Users.FirstOrDefaultAsync(u => u.Id == linked.UserId && !u.IsDeleted, ct);
            if (owner is null)
                return new Credential(null, false);
            // WeChat / DingTalk: a unionid learnt later fills the user's (GenAuth's User.unionid), never replaces one.
            if (p.UnionId is { Length: > 0 } unionId && string.IsNullOrEmpty(owner.Unionid) && ConnTypes.UnionFamily(conn.Type) is not null)
                owner.Unionid = unionId;
            linked.ProfileJson = raw;
            linked.SealedTokens = sealedTokens ?? linked.SealedTokens;
            linked.UpdatedAt = now;
            return new Credential(owner, true);
        }

        var user = await SiblingAsync(conn, p, ct) ?? await MatchAsync(conn, p, ct);
        var created = false;
        if (user is null)
        {
            user = await CreateAsync(pool, conn, p, raw, ct);
            created = true;
        }
        var identity = new UserIdentity
        {
            Id = Ids.New(clock), UserPoolId = pool.Id, UserId = user.Id, ExtIdpId = conn.ExtIdpId, ConnId = conn.Id, Provider = conn.Type,
            ProviderUserId = p.Subject, ProfileJson = raw, SealedTokens = sealedTokens, CreatedAt = now, UpdatedAt = now,
        };
        db.UserIdentities.Add(identity);
        if (created)
        {
            // Note: the new user and its identity commit together (and the registration mails follow).
            await registration.SaveAsync(pool, user, ct);
        }
        return new Credential(user, true);
    }

    /// <summary>
    /// The user holding this unionid through another connection of the same family (WeChat web QR and WeChat mobile of one
    /// Open Platform account): the provider says it is the same person, so this connection's identity joins that user.
    /// Only an identity keyed by the unionid counts (an openid is per app and never compared across connections).
    /// </summary>
    private async Task<User?> SiblingAsync(ExtIdpConn conn, ExternalProfile p, CancellationToken ct)
    {
        if (p.UnionId is not { Length: > 0 } unionId || unionId != p.Subject || ConnTypes.UnionFamily(conn.Type) is not { } family)
            return null;
        var candidates = await db.UserIdentities.AsNoTracking()
            .Where(i => i.ProviderUserId == unionId && i.ConnId != conn.Id)
            .OrderBy(i => i.CreatedAt).Take(20).Select(i => new { i.UserId, i.Provider }).ToListAsync(ct);
        foreach (var candidate in candidates.Where(c => ConnTypes.UnionFamily(c.Provider) == family))
            if (await db.Users.FirstOrDefaultAsync(u => u.Id == candidate.UserId && !u.IsDeleted, ct) is { } owner)
                return owner;
        return null;
    }

    private async Task<User?> MatchAsync(ExtIdpConn conn, ExternalProfile p, CancellationToken ct)
    {
        foreach (var field in ExtIdpService.UserMatchFieldsOf(conn))
        {
            User? candidate = null;
            bool providerVerified = false, localVerified = false;
            if (field == "email" && p.Email is { Length: > 0 and <= 254 } email)
            {
                candidate = await UserLookup.FindByEmailAsync(db, email, ct);
                providerVerified = p.EmailVerified;
                localVerified = candidate?.EmailVerified ?? false;
            }
            else if (field == "phone" && p.Phone is { Length: > 0 and <= 32 } phone)
            {
                Phone parsed;
                try
                {
                    parsed = PhoneNumbersParser.Require(phone, null);
                }
                catch (GenAuthException)
                {
                    continue;
                }
                candidate = await UserLookup.FindByPhoneAsync(db, parsed, ct);
                providerVerified = p.PhoneVerified;
                localVerified = candidate?.PhoneVerified ?? false;
            }
            if (candidate is null)
                continue;
            if (!providerVerified || !localVerified)
                throw new GenAuthException(ErrorCodes.ExtEmailNotVerified);
            return candidate;
        }
        return null;
    }

    private async Task<User> CreateAsync(UserPool pool, ExtIdpConn conn, ExternalProfile p, string raw, CancellationToken ct)
    {
        if (pool.RegisterDisabled)
            throw new GenAuthException(ErrorCodes.RegistrationDisabled);
        var user = registration.NewUser(pool, "social:" + conn.Identifier);
        // Only verified contact data lands on the account: an unverified address would block its real owner later.
        if (p.EmailVerified && p.Email is { Length: > 0 and <= 254 } email && IsEmail(email)
            && await UserLookup.FindByEmailAsync(db, email, ct) is null)
        {
            await registration.RequireAllowedAsync(pool, WhitelistEntry.Email, email, ct);
            user.Email = email;
            user.EmailVerified = true;
        }
        if (p.Username is { Length: > 0 } username && IsUsername(username)
            && Identifiers.NormalizeUsername(username) is var usernameKey
            && !await db.Users.AnyAsync(u => u.UsernameNormalized == usernameKey || u.Username == username, ct))
            user.Username = username;
        user.Nickname = Clip(p.Nickname ?? p.Name, 128);
        user.Name = Clip(p.Name, 128);
        user.GivenName = Clip(p.GivenName, 64);
        user.FamilyName = Clip(p.FamilyName, 64);
        user.Photo = p.Picture is { Length: <= 2048 } pic && Uri.TryCreate(pic, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps ? pic : null;
        if (p.OpenId is null && p.UnionId is null)
        {
            user.Unionid = p.Subject;
            user.Openid = p.Subject;
        }
        else
        {
            // WeChat / DingTalk: the two ids as the provider sent them (a WeChat app without a unionid leaves it empty).
            user.Unionid = Clip(p.UnionId, 255);
            user.Openid = Clip(p.OpenId, 255);
        }
        user.Oauth = raw;
        await registration.PrepareAsync(pool, user, null, null, ct);
        return user;
    }

    private static bool IsUsername(string username)
    {
        try
        {
            Validation.RequireUsername(username);
            return true;
        }
        catch (GenAuthException)
        {
            return false;
        }
    }

    private static bool IsEmail(string email)
    {
        try
        {
            Validation.RequireEmail(email, ErrorCodes.InvalidEmail);
            return true;
        }
        catch (GenAuthException)
        {
            return false;
        }
    }

    private static string? Clip(string? s, int max) =>
        string.IsNullOrWhiteSpace(s) ? null : TextCut.Clip(s, max);
}
