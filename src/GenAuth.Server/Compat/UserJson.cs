using GenAuth.Core.Common;
using GenAuth.Core.CustomFields;
using GenAuth.Core.Users;

namespace GenAuth.Server.Compat;

/// <summary>
/// The one REST representation of a user (every REST path that answers a user, the QR ticket exchange included): the
/// same field names as GraphQL's User (the SDK treats both alike), times in <see cref="IsoTime"/>; never the hash.
/// </summary>
public static class UserJson
{
    public static Dictionary<string, object?> Of(User user, IReadOnlyList<CustomDataView>? customData = null) =>
        From(new UserView(user), customData);

    public static Dictionary<string, object?> From(UserView view, IReadOnlyList<CustomDataView>? customData = null)
    {
        var u = view.User;
        return new Dictionary<string, object?>
        {
            ["id"] = u.Id, ["arn"] = u.Arn, ["status"] = u.Status, ["userPoolId"] = u.UserPoolId, ["username"] = u.Username,
            ["email"] = u.Email, ["emailVerified"] = u.EmailVerified, ["phone"] = u.Phone, ["phoneCountryCode"] = u.PhoneCountryCode,
            ["phoneVerified"] = u.PhoneVerified, ["unionid"] = u.Unionid, ["openid"] = u.Openid, ["externalId"] = u.ExternalId,
            ["nickname"] = u.Nickname,
            ["registerSource"] = u.RegisterSource?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [],
            ["photo"] = u.Photo, ["password"] = null, ["oauth"] = u.Oauth, ["token"] = view.Token,
            ["tokenExpiredAt"] = IsoTime.Format(view.TokenExpiresAt),
            ["loginsCount"] = u.LoginsCount, ["lastLogin"] = IsoTime.Format(u.LastLogin), ["lastIP"] = u.LastIp,
            ["signedUp"] = IsoTime.Format(u.SignedUp), ["blocked"] = u.Blocked, ["isDeleted"] = u.IsDeleted, ["device"] = u.Device,
            ["browser"] = u.Browser, ["company"] = u.Company, ["name"] = u.Name, ["givenName"] = u.GivenName,
            ["familyName"] = u.FamilyName, ["middleName"] = u.MiddleName, ["profile"] = u.Profile,
            ["preferredUsername"] = u.PreferredUsername, ["website"] = u.Website, ["gender"] = u.Gender,
            ["birthdate"] = u.Birthdate, ["zoneinfo"] = u.Zoneinfo, ["locale"] = u.Locale, ["address"] = u.Address,
            ["formatted"] = u.Formatted, ["streetAddress"] = u.StreetAddress, ["locality"] = u.Locality, ["region"] = u.Region,
            ["postalCode"] = u.PostalCode, ["city"] = u.City, ["province"] = u.Province, ["country"] = u.Country,
            ["createdAt"] = IsoTime.Format(u.CreatedAt), ["updatedAt"] = IsoTime.Format(u.UpdatedAt), ["newlyCreated"] = view.NewlyCreated,
            ["customData"] = customData?.Select(d => new { key = d.Key, value = d.Value, dataType = d.DataType, label = d.Label })
                .ToList<object>() ?? [],
        };
    }
}
