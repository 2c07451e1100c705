using GenAuth.Core.Users;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Users;

public sealed class UserStatusEnum : EnumerationGraphType
{
    public UserStatusEnum()
    {
        Name = "UserStatus";
        Add("Suspended", "Suspended", "已停用");
        Add("Resigned", "Resigned", "已离职");
        Add("Activated", "Activated", "已激活（正常状态）");
        Add("Archived", "Archived", "已归档");
    }
}

/// <summary>
/// GenAuth's User: every field of the seeds' user field list, names as in the SDK. Fields that belong to another
/// capability (custom data, roles, groups, departments, authorized resources) are contributed by it (<see cref="IUserFields"/>).
/// </summary>
public sealed class UserType : ObjectGraphType<UserView>
{
    public UserType(IEnumerable<IUserFields> contributions)
    {
        Name = "User";
        Field<NonNullGraphType<StringGraphType>>("id").Resolve(c => c.Source.User.Id);
        Field<NonNullGraphType<StringGraphType>>("arn").Resolve(c => c.Source.User.Arn);
        Field<UserStatusEnum>("status").Resolve(c => c.Source.User.Status);
        Field<NonNullGraphType<StringGraphType>>("userPoolId").Resolve(c => c.Source.User.UserPoolId);
        Field<StringGraphType>("username").Resolve(c => c.Source.User.Username);
        Field<StringGraphType>("email").Resolve(c => c.Source.User.Email);
        Field<BooleanGraphType>("emailVerified").Resolve(c => c.Source.User.EmailVerified);
        Field<StringGraphType>("phone").Resolve(c => c.Source.User.Phone);
        Field<StringGraphType>("phoneCountryCode").Resolve(c => c.Source.User.PhoneCountryCode);
        Field<BooleanGraphType>("phoneVerified").Resolve(c => c.Source.User.PhoneVerified);
        Field<StringGraphType>("unionid").Resolve(c => c.Source.User.Unionid);
        Field<StringGraphType>("openid").Resolve(c => c.Source.User.Openid);
        Field<StringGraphType>("externalId").Resolve(c => c.Source.User.ExternalId);
        Field<StringGraphType>("nickname").Resolve(c => c.Source.User.Nickname);
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("registerSource")
            .Resolve(c => c.Source.User.RegisterSource?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? []);
        Field<StringGraphType>("photo").Resolve(c => c.Source.User.Photo);
        // Note: the hash is never sent; the field exists because GenAuth clients select it.
        Field<StringGraphType>("password").Description("Always null: password hashes never leave the server.").Resolve(_ => null);
        Field<StringGraphType>("oauth").Resolve(c => c.Source.User.Oauth);
        Field<StringGraphType>("token").Resolve(c => c.Source.Token);
        Field<StringGraphType>("tokenExpiredAt").Resolve(c => c.Source.TokenExpiresAt?.UtcDateTime.Iso());
        Field<IntGraphType>("loginsCount").Resolve(c => c.Source.User.LoginsCount);
        Field<StringGraphType>("lastLogin").Resolve(c => c.Source.User.LastLogin.Iso());
        Field<StringGraphType>("lastIP").Resolve(c => c.Source.User.LastIp);
        Field<StringGraphType>("signedUp").Resolve(c => c.Source.User.SignedUp.Iso());
        Field<BooleanGraphType>("blocked").Resolve(c => c.Source.User.Blocked);
        Field<BooleanGraphType>("isDeleted").Resolve(c => c.Source.User.IsDeleted);
        Field<StringGraphType>("device").Resolve(c => c.Source.User.Device);
        Field<StringGraphType>("browser").Resolve(c => c.Source.User.Browser);
        Field<StringGraphType>("company").Resolve(c => c.Source.User.Company);
        Field<StringGraphType>("name").Resolve(c => c.Source.User.Name);
        Field<StringGraphType>("givenName").Resolve(c => c.Source.User.GivenName);
        Field<StringGraphType>("familyName").Resolve(c => c.Source.User.FamilyName);
        Field<StringGraphType>("middleName").Resolve(c => c.Source.User.MiddleName);
        Field<StringGraphType>("profile").Resolve(c => c.Source.User.Profile);
        Field<StringGraphType>("preferredUsername").Resolve(c => c.Source.User.PreferredUsername);
        Field<StringGraphType>("website").Resolve(c => c.Source.User.Website);
        Field<StringGraphType>("gender").Resolve(c => c.Source.User.Gender);
        Field<StringGraphType>("birthdate").Resolve(c => c.Source.User.Birthdate);
        Field<StringGraphType>("zoneinfo").Resolve(c => c.Source.User.Zoneinfo);
        Field<StringGraphType>("locale").Resolve(c => c.Source.User.Locale);
        Field<StringGraphType>("address").Resolve(c => c.Source.User.Address);
        Field<StringGraphType>("formatted").Resolve(c => c.Source.User.Formatted);
        Field<StringGraphType>("streetAddress").Resolve(c => c.Source.User.StreetAddress);
        Field<StringGraphType>("locality").Resolve(c => c.Source.User.Locality);
        Field<StringGraphType>("region").Resolve(c => c.Source.User.Region);
        Field<StringGraphType>("postalCode").Resolve(c => c.Source.User.PostalCode);
        Field<StringGraphType>("city").Resolve(c => c.Source.User.City);
        Field<StringGraphType>("province").Resolve(c => c.Source.User.Province);
        Field<StringGraphType>("country").Resolve(c => c.Source.User.Country);
        Field<StringGraphType>("createdAt").Resolve(c => c.Source.User.CreatedAt.Iso());
        Field<StringGraphType>("updatedAt").Resolve(c => c.Source.User.UpdatedAt.Iso());
        Field<BooleanGraphType>("newlyCreated").Resolve(c => c.Source.NewlyCreated);
        Field<StringGraphType>("mainDepartmentId").Resolve(_ => null);
        Field<StringGraphType>("mainDepartmentCode").Resolve(_ => null);
        Field<StringGraphType>("expiredAt").Description("When the account expires; null: never.").Resolve(_ => null);
        Field<StringGraphType>("directManagement").Resolve(_ => null);
        foreach (var contribution in contributions)
            contribution.Register(this);
    }
}
