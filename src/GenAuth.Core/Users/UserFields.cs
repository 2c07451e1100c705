using GenAuth.Core.Common;

namespace GenAuth.Core.Users;

/// <summary>Which user fields each caller may write, and how a supplied value lands on the row.</summary>
public static class UserFields
{
    /// <summary>What a user may change on their own profile (seed: 修改用户资料); never email, phone or password.</summary>
    public static readonly IReadOnlySet<string> SelfEditable = new HashSet<string>(StringComparer.Ordinal)
    {
        "username", "nickname", "company", "photo", "browser", "device", "name", "givenName", "familyName",
        "middleName", "profile", "preferredUsername", "website", "gender", "birthdate", "zoneinfo", "locale",
        "address", "formatted", "streetAddress", "locality", "region", "postalCode", "city", "province", "country",
    };

    /// <summary>Applies a string-valued profile field. Unknown names are refused, so nothing is silently dropped.</summary>
    public static void Apply(User u, string field, string? v)
    {
        switch (field)
        {
            case "nickname": u.Nickname = RequireDisplayName(field, v); break;
            case "company": u.Company = v; break;
            case "photo": u.Photo = RequirePhoto(v); break;
            case "browser": u.Browser = v; break;
            case "device": u.Device = v; break;
            case "name": u.Name = RequireDisplayName(field, v); break;
            case "givenName": u.GivenName = RequireDisplayName(field, v); break;
            case "familyName": u.FamilyName = RequireDisplayName(field, v); break;
            case "middleName": u.MiddleName = RequireDisplayName(field, v); break;
            case "profile": u.Profile = v; break;
            case "preferredUsername": u.PreferredUsername = RequireDisplayName(field, v); break;
            case "website": u.Website = v; break;
            case "gender": u.Gender = NormalizeGender(v); break;
            case "birthdate": u.Birthdate = v; break;
            case "zoneinfo": u.Zoneinfo = v; break;
            case "locale": u.Locale = v; break;
            case "address": u.Address = v; break;
            case "formatted": u.Formatted = v; break;
            case "streetAddress": u.StreetAddress = v; break;
            case "locality": u.Locality = v; break;
            case "region": u.Region = v; break;
            case "postalCode": u.PostalCode = v; break;
            case "city": u.City = v; break;
            case "province": u.Province = v; break;
            case "country": u.Country = v; break;
            case "oauth": u.Oauth = v; break;
            case "unionid": u.Unionid = v; break;
            case "openid": u.Openid = v; break;
            case "externalId": u.ExternalId = v; break;
            default:
                throw new GenAuthException(ErrorCodes.BadRequest, detail: $"field '{field}' can't be set here");
        }
    }

    /// <summary>Longest photo URL accepted.</summary>
    public const int MaxPhotoLength = 2048;

    /// <summary>Where avatars uploaded to this server are served (AvatarService); a photo may be such a path on its own.</summary>
    public const string UploadPathPrefix = "/uploads/";

    /// <summary>
    /// A photo is shown as an image (and put in id tokens as "picture"), so only an absolute http(s) URL with a host and
    /// no user info, or a path of our own uploads, is accepted: javascript:, data:, file: and friends are refused (400).
    /// Null or "" clears it.
    /// </summary>
    public static string? RequirePhoto(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return value;
        var ok = value.Length <= MaxPhotoLength && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
                 && (IsOwnUploadPath(value)
                     || (Uri.TryCreate(value, UriKind.Absolute, out var uri)
                         && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                         && uri.Host.Length > 0 && uri.UserInfo.Length == 0
                         && value.StartsWith(uri.Scheme + "://", StringComparison.OrdinalIgnoreCase)));
        return ok ? value : throw new GenAuthException(ErrorCodes.BadRequest, detail: "photo must be an http(s) URL or an uploaded file's path");
    }

    private static bool IsOwnUploadPath(string value) =>
        value.StartsWith(UploadPathPrefix, StringComparison.Ordinal) && !value.Contains("..", StringComparison.Ordinal)
        && !value.Contains('\\') && !value.Contains("//", StringComparison.Ordinal) && !value.Contains(':');

    /// <summary>
    /// Display names (nickname, name...) may hold any script and emoji joiners, but no bidi controls or C0/C1 controls:
    /// an override would make the name read as something else (400).
    /// </summary>
    public static string? RequireDisplayName(string field, string? value) =>
        value is not null && Identifiers.HasBidiOrControl(value)
            ? throw new GenAuthException(ErrorCodes.BadRequest, detail: $"'{field}' can't contain control or bidi override characters")
            : value;

    public static string NormalizeGender(string? v) => v?.Trim().ToUpperInvariant() switch
    {
        "M" or "MALE" => "M",
        "F" or "FEMALE" => "F",
        null or "" or "U" or "UNKNOWN" => "U",
        _ => throw new GenAuthException(ErrorCodes.BadRequest, detail: "gender must be M, F or U"),
    };
}
