using GenAuth.Core.CustomFields;
using GenAuth.Core.Users;

namespace GenAuth.Server.Compat;

/// <summary>A user as the REST paths return it: GraphQL's User field names; never the password hash.</summary>
public static class UserJson
{
    public static Dictionary<string, object?> Of(User u, IReadOnlyList<CustomDataView>? customData = null)
    {
        var json = new Dictionary<string, object?>
        {
            ["id"] = u.Id, ["arn"] = u.Arn, ["status"] = u.Status, ["userPoolId"] = u.UserPoolId, ["username"] = u.Username,
            ["email"] = u.Email, ["emailVerified"] = u.EmailVerified, ["phone"] = u.Phone, ["phoneCountryCode"] = u.PhoneCountryCode,
            ["phoneVerified"] = u.PhoneVerified, ["unionid"] = u.Unionid, ["openid"] = u.Openid, ["externalId"] = u.ExternalId,
            ["nickname"] = u.Nickname, ["registerSource"] = u.RegisterSource?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [],
            ["photo"] = u.Photo, ["password"] = null, ["oauth"] = u.Oauth, ["loginsCount"] = u.LoginsCount,
            ["lastLogin"] = Iso(u.LastLogin), ["lastIP"] = u.LastIp, ["signedUp"] = Iso(u.SignedUp), ["blocked"] = u.Blocked,
            ["isDeleted"] = u.IsDeleted, ["device"] = u.Device, ["browser"] = u.Browser, ["company"] = u.Company, ["name"] = u.Name,
            ["givenName"] = u.GivenName, ["familyName"] = u.FamilyName, ["middleName"] = u.MiddleName, ["profile"] = u.Profile,
            ["preferredUsername"] = u.PreferredUsername, ["website"] = u.Website, ["gender"] = u.Gender, ["birthdate"] = u.Birthdate,
            ["zoneinfo"] = u.Zoneinfo, ["locale"] = u.Locale, ["address"] = u.Address, ["formatted"] = u.Formatted,
            ["streetAddress"] = u.StreetAddress, ["locality"] = u.Locality, ["region"] = u.Region, ["postalCode"] = u.PostalCode,
            ["city"] = u.City, ["province"] = u.Province, ["country"] = u.Country, ["createdAt"] = Iso(u.CreatedAt),
            ["updatedAt"] = Iso(u.UpdatedAt),
        };
        if (customData is not null)
            json["customData"] = customData.Select(d => new { key = d.Key, value = d.Value, dataType = d.DataType, label = d.Label }).ToList();
        return json;
    }

    private static string? Iso(DateTime? t) =>
        t is null ? null : DateTime.SpecifyKind(t.Value, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
}
