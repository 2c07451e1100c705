using System.Text.Json;
using System.Text.Json.Nodes;
using GenAuth.Core.SignIn;

namespace GenAuth.Server.ExtIdp;

/// <summary>
/// Sign in with Apple's first-login <c>user</c> form field: on the first authorization only, Apple's form_post callback
/// carries <c>{"name":{"firstName":"…","lastName":"…"},"email":"…"}</c> beside the code. It is not signed (the browser
/// posts it, so the user could change it): it only fills the name the id token never has, and the email when the id token
/// lacks it — as unverified, so it never matches or lands on an account (ExternalSignInService trusts verified only).
/// Anything malformed (too long, not JSON, wrong shapes, control characters) is ignored: the sign-in goes on without it.
/// </summary>
public static class AppleUserField
{
    /// <summary>The largest field read (Apple's is ~150 bytes); a longer one is ignored unparsed.</summary>
    public const int MaxLength = 2048;
    public const int MaxNamePartLength = 64;
    public const int MaxEmailLength = 254;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 4 };

    public static ExternalProfile Apply(ExternalProfile profile, string? raw)
    {
        if (string.IsNullOrEmpty(raw) || raw.Length > MaxLength)
            return profile;
        JsonObject? user;
        try
        {
            user = JsonNode.Parse(raw, documentOptions: Options) as JsonObject;
        }
        catch (JsonException)
        {
            return profile;
        }
        if (user is null)
            return profile;
        string? given = null, family = null;
        if (user["name"] is JsonObject name)
        {
            given = Text(name["firstName"], MaxNamePartLength);
            family = Text(name["lastName"], MaxNamePartLength);
        }
        var full = string.Join(' ', new[] { given, family }.Where(p => p is not null));
        var email = Text(user["email"], MaxEmailLength) is { } e && e.Contains('@') && !e.Any(char.IsWhiteSpace) ? e : null;
        var result = profile with
        {
            GivenName = profile.GivenName ?? given,
            FamilyName = profile.FamilyName ?? family,
            Name = profile.Name ?? (full.Length > 0 ? full : null),
        };
        if (string.IsNullOrEmpty(profile.Email) && email is not null)
            result = result with { Email = email, EmailVerified = false };
        return result;
    }

    private static string? Text(JsonNode? node, int max)
    {
        if (node is not JsonValue value || !value.TryGetValue<string>(out var s))
            return null;
        s = s.Trim();
        return s.Length is 0 || s.Length > max || s.Any(char.IsControl) ? null : s;
    }
}
