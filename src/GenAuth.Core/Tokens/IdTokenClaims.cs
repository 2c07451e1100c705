using GenAuth.Core.Users;

namespace GenAuth.Core.Tokens;

/// <summary>The standard OIDC profile claims of GenAuth's IdToken table, taken from the user.</summary>
public static class IdTokenClaims
{
    public static void AddProfile(IDictionary<string, object?> claims, User user)
    {
        Add(claims, "name", user.Name);
        Add(claims, "given_name", user.GivenName);
        Add(claims, "family_name", user.FamilyName);
        Add(claims, "middle_name", user.MiddleName);
        Add(claims, "nickname", user.Nickname);
        Add(claims, "preferred_username", user.PreferredUsername);
        Add(claims, "profile", user.Profile);
        Add(claims, "picture", user.Photo);
        Add(claims, "website", user.Website);
        Add(claims, "email", user.Email);
        claims["email_verified"] = user.EmailVerified;
        Add(claims, "gender", user.Gender);
        Add(claims, "birthdate", user.Birthdate);
        Add(claims, "zoneinfo", user.Zoneinfo);
        Add(claims, "locale", user.Locale);
        Add(claims, "phone_number", user.Phone);
        claims["phone_number_verified"] = user.PhoneVerified;
        var address = new Dictionary<string, object?>();
        Add(address, "formatted", user.Formatted);
        Add(address, "street_address", user.StreetAddress);
        Add(address, "locality", user.Locality);
        Add(address, "region", user.Region);
        Add(address, "postal_code", user.PostalCode);
        Add(address, "country", user.Country);
        if (address.Count > 0)
            claims["address"] = address;
        claims["updated_at"] = new DateTimeOffset(DateTime.SpecifyKind(user.UpdatedAt, DateTimeKind.Utc)).ToUnixTimeSeconds();
    }

    private static void Add(IDictionary<string, object?> claims, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
            claims[name] = value;
    }
}
