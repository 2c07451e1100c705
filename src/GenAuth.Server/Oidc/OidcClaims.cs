using System.Security.Claims;
using System.Text.Json;
using GenAuth.Core.Sessions;
using GenAuth.Core.Tokens;
using GenAuth.Core.Users;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace GenAuth.Server.Oidc;

/// <summary>
/// The claims of GenAuth's IdToken table (Core/Tokens/IdTokenClaims) released per scope, for id tokens and userinfo;
/// plus the session claims (sid, auth_time, acr, amr).
/// </summary>
public static class OidcClaims
{
    public const string SessionId = "sid";
    public const string AcrSingleFactor = "urn:genauth:acr:sfa";
    public const string AcrMultiFactor = "urn:genauth:acr:mfa";

    private static readonly string[] ProfileClaims =
    [
        "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile", "picture", "website",
        "gender", "birthdate", "zoneinfo", "locale", "updated_at",
    ];

    private static readonly string[] EmailClaims = ["email", "email_verified"];
    private static readonly string[] PhoneClaims = ["phone_number", "phone_number_verified"];
    private static readonly string[] AddressClaims = ["address"];

    public static readonly string[] Supported =
    [
        "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp", "sid", .. ProfileClaims, .. EmailClaims,
        .. PhoneClaims, .. AddressClaims,
    ];

    /// <summary>The user's claims the granted scopes release (sub always), as JSON-ready values.</summary>
    public static Dictionary<string, object?> ForScopes(User user, IEnumerable<string> scopes)
    {
        var granted = scopes.ToHashSet(StringComparer.Ordinal);
        var all = new Dictionary<string, object?>();
        IdTokenClaims.AddProfile(all, user);
        var released = new Dictionary<string, object?> { ["sub"] = user.Id };
        void Release(string scope, string[] names)
        {
            if (!granted.Contains(scope))
                return;
            foreach (var name in names)
                if (all.TryGetValue(name, out var value))
                    released[name] = value;
        }
        Release(Scopes.Profile, ProfileClaims);
        Release(Scopes.Email, EmailClaims);
        Release(Scopes.Phone, PhoneClaims);
        Release(Scopes.Address, AddressClaims);
        return released;
    }

    /// <summary>Adds the user's scope-released claims to the identity, destined for the id token only.</summary>
    public static void AddUserClaims(ClaimsIdentity identity, User user, IEnumerable<string> scopes)
    {
        // Note: a refresh re-reads the user: a field cleared since must not linger from the earlier token.
        foreach (var name in ProfileClaims.Concat(EmailClaims).Concat(PhoneClaims).Concat(AddressClaims))
            identity.RemoveClaims(name);
        foreach (var (name, value) in ForScopes(user, scopes))
        {
            if (name == "sub")
                continue;
            switch (value)
            {
                case bool b:
                    identity.SetClaim(name, b);
                    break;
                case long l:
                    identity.SetClaim(name, l);
                    break;
                case string s:
                    identity.SetClaim(name, s);
                    break;
                case not null:
                    identity.SetClaim(name, JsonSerializer.SerializeToElement(value));
                    break;
            }
        }
    }

    /// <summary>
    /// The claims the pool's pipeline functions added (user.addToken), for the id token. A standard claim already set
    /// (sub, sid, the scope-released profile) is never replaced; the pipeline refused reserved names already.
    /// </summary>
    public static void AddPipelineClaims(ClaimsIdentity identity, IEnumerable<KeyValuePair<string, object?>> claims)
    {
        foreach (var (name, value) in claims)
        {
            if (identity.HasClaim(c => c.Type == name) || name == Claims.Subject)
                continue;
            switch (value)
            {
                case null:
                    break;
                case bool b:
                    identity.SetClaim(name, b);
                    break;
                case long l:
                    identity.SetClaim(name, l);
                    break;
                case string str:
                    identity.SetClaim(name, str);
                    break;
                default:
                    identity.SetClaim(name, JsonSerializer.SerializeToElement(value));
                    break;
            }
        }
    }

    /// <summary>auth_time, acr and amr from the session the sign-in reused.</summary>
    public static void AddSessionClaims(ClaimsIdentity identity, string sessionId, Session session, DateTimeOffset authTime)
    {
        identity.SetClaim(SessionId, sessionId);
        identity.SetClaim(Claims.AuthenticationTime, authTime.ToUnixTimeSeconds());
        var mfa = session.SecondFactorAt is not null;
        identity.SetClaim(Claims.AuthenticationContextReference, mfa ? AcrMultiFactor : AcrSingleFactor);
        if (mfa)
        {
            // Note: RFC 8176 values: mfa, plus the factor (otp for TOTP and recovery codes, sms; email is GenAuth's own).
            var amr = new List<string> { "mfa" };
            if (session.SecondFactorMethod is { } method)
                amr.Add(method);
            identity.SetClaims(Claims.AuthenticationMethodReference, [.. amr]);
        }
    }

    /// <summary>Where each claim goes: sub and sid in both tokens; the rest in the id token (userinfo reads the user).</summary>
    public static IEnumerable<string> DestinationsOf(Claim claim) => claim.Type switch
    {
        Claims.Subject or SessionId => [Destinations.AccessToken, Destinations.IdentityToken],
        _ when claim.Type.StartsWith("oi_", StringComparison.Ordinal) => [],
        _ => [Destinations.IdentityToken],
    };
}
