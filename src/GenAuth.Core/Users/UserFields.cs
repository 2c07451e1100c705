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
            case "nickname": u.Nickname = v; break;
            case "company": u.Company = v; break;
            case "photo": u.Photo = v; break;
            case "browser": u.Browser = v; break;
            case "device": u.Device = v; break;
            case "name": u.Name = v; break;
            case "givenName": u.GivenName = v; break;
            case "familyName": u.FamilyName = v; break;
            case "middleName": u.MiddleName = v; break;
            case "profile": u.Profile = v; break;
            case "preferredUsername": u.PreferredUsername = v; break;
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

    public static string NormalizeGender(string? v) => v?.Trim().ToUpperInvariant() switch
    {
        "M" or "MALE" => "M",
        "F" or "FEMALE" => "F",
        null or "" or "U" or "UNKNOWN" => "U",
        _ => throw new GenAuthException(ErrorCodes.BadRequest, detail: "gender must be M, F or U"),
    };
}
