using GenAuth.Core.Admin;
using GenAuth.Core.Common;
using GenAuth.Core.Sessions;
using GenAuth.Core.Users;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Users;

/// <summary>Turns rows into UserViews (the per-user fields of a list load in batches: no N+1).</summary>
public static class UserViews
{
    public static List<UserView> Of(IResolveFieldContext c, IEnumerable<User> users) => users.Select(u => new UserView(u)).ToList();

    public static Page<UserView> Of(IResolveFieldContext c, Page<User> page) => new(page.TotalCount, Of(c, page.List));
}

/// <summary>GenAuth's PaginatedUsers: { totalCount, list }.</summary>
public sealed class PaginatedUsersType : ObjectGraphType<Page<UserView>>
{
    public PaginatedUsersType()
    {
        Name = "PaginatedUsers";
        Field<NonNullGraphType<IntGraphType>>("totalCount").Resolve(c => c.Source.TotalCount);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserType>>>>("list").WithComplexityImpact(1, 1).Resolve(c => c.Source.List);
    }
}

public sealed record UserConnectionView(IReadOnlyList<(string Cursor, UserView Node)> Edges, bool HasNextPage, string? EndCursor, int TotalCount);

public sealed class UserConnectionType : ObjectGraphType<UserConnectionView>
{
    public UserConnectionType()
    {
        Name = "UserConnection";
        Description = "A Relay-style page of users, newest first.";
        Field<NonNullGraphType<IntGraphType>>("totalCount").Resolve(c => c.Source.TotalCount);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserEdgeType>>>>("edges").WithComplexityImpact(1, 1).Resolve(c => c.Source.Edges);
        Field<NonNullGraphType<UserPageInfoType>>("pageInfo").Resolve(c => c.Source);
    }
}

public sealed class UserEdgeType : ObjectGraphType<(string Cursor, UserView Node)>
{
    public UserEdgeType()
    {
        Name = "UserEdge";
        Field<NonNullGraphType<StringGraphType>>("cursor").Resolve(c => c.Source.Cursor);
        Field<NonNullGraphType<UserType>>("node").Resolve(c => c.Source.Node);
    }
}

public sealed class UserPageInfoType : ObjectGraphType<UserConnectionView>
{
    public UserPageInfoType()
    {
        Name = "UserPageInfo";
        Field<NonNullGraphType<BooleanGraphType>>("hasNextPage").Resolve(c => c.Source.HasNextPage);
        Field<StringGraphType>("endCursor").Resolve(c => c.Source.EndCursor);
    }
}

public sealed record UsersFilterInput(string? EmailPrefix, string? PhonePrefix, string? UsernamePrefix, string? NicknamePrefix, bool? Blocked,
    string? CreatedAfter, string? CreatedBefore);

public sealed class UsersFilterInputType : InputObjectGraphType<UsersFilterInput>
{
    public UsersFilterInputType()
    {
        Name = "UsersFilterInput";
        Field(x => x.EmailPrefix, typeof(StringGraphType)).Description("Only users whose email starts with this.");
        Field(x => x.PhonePrefix, typeof(StringGraphType)).Description("Only users whose phone starts with this.");
        Field(x => x.UsernamePrefix, typeof(StringGraphType)).Description("Only users whose username starts with this.");
        Field(x => x.NicknamePrefix, typeof(StringGraphType)).Description("Only users whose nickname starts with this.");
        Field(x => x.Blocked, typeof(BooleanGraphType)).Description("Only blocked users (true) or only users who are not blocked (false).");
        Field(x => x.CreatedAfter, typeof(StringGraphType)).Description("ISO 8601, inclusive.");
        Field(x => x.CreatedBefore, typeof(StringGraphType)).Description("ISO 8601, exclusive.");
    }
}

public sealed class UserSessionType : ObjectGraphType<Session>
{
    public UserSessionType()
    {
        Name = "UserSession";
        Field<NonNullGraphType<StringGraphType>>("id").Resolve(c => c.Source.Id);
        Field<StringGraphType>("appId").Resolve(c => c.Source.AppId);
        Field<StringGraphType>("createdAt").Resolve(c => c.Source.CreatedAt.Iso());
        Field<StringGraphType>("expiresAt").Resolve(c => c.Source.ExpiresAt.Iso());
        Field<StringGraphType>("ip").Resolve(c => c.Source.Ip);
        Field<StringGraphType>("userAgent").Resolve(c => c.Source.UserAgent);
    }
}

public sealed class UserLoginHistoryType : ObjectGraphType<LoginLog>
{
    public UserLoginHistoryType()
    {
        Name = "UserLoginHistory";
        Field<NonNullGraphType<StringGraphType>>("time").Resolve(c => c.Source.CreatedAt.Iso());
        Field<StringGraphType>("appId").Resolve(c => c.Source.AppId);
        Field<StringGraphType>("ip").Resolve(c => c.Source.Ip);
        Field<NonNullGraphType<BooleanGraphType>>("success").Resolve(c => c.Source.Success);
        Field<IntGraphType>("errorCode").Resolve(c => c.Source.ErrorCode);
        Field<StringGraphType>("method").Resolve(c => c.Source.Method);
        Field<StringGraphType>("userAgent").Resolve(c => c.Source.UserAgent);
    }
}

public sealed class PaginatedLoginHistoryType : ObjectGraphType<Page<LoginLog>>
{
    public PaginatedLoginHistoryType()
    {
        Name = "PaginatedUserLoginHistory";
        Field<NonNullGraphType<IntGraphType>>("totalCount").Resolve(c => c.Source.TotalCount);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserLoginHistoryType>>>>("list").WithComplexityImpact(1, 1).Resolve(c => c.Source.List);
    }
}

/// <summary>createUser's userInfo: every field an admin may set; the supplied ones are applied (Core's ProfileInput).</summary>
public sealed record CreateUserInput : ProfileFieldsInput
{
    public Optional<string?> Email { get; init; }
    public Optional<string?> Phone { get; init; }
    public Optional<string?> Unionid { get; init; }
    public Optional<string?> Openid { get; init; }
    public Optional<string?> Password { get; init; }
    public Optional<string?> Oauth { get; init; }
    public Optional<string?> LastLogin { get; init; }
    public Optional<string?> LastIP { get; init; }
    public Optional<string?> SignedUp { get; init; }
    public Optional<string?> ExternalId { get; init; }
    public Optional<string?> PhoneCountryCode { get; init; }
    public Optional<bool?> EmailVerified { get; init; }
    public Optional<bool?> PhoneVerified { get; init; }
    public Optional<List<string>?> RegisterSource { get; init; }
    public Optional<int?> LoginsCount { get; init; }
    public Optional<bool?> Blocked { get; init; }
    public Optional<bool?> IsDeleted { get; init; }
}

public sealed class CreateUserInputType : PartialInputObjectGraphType<CreateUserInput>
{
    public CreateUserInputType()
    {
        Name = "CreateUserInput";
        Field(x => x.Email, typeof(StringGraphType)).Description("The email (case-insensitive, unique in the pool).");
        Field(x => x.Phone, typeof(StringGraphType)).Description("The phone number, unique in the pool (read with phoneCountryCode unless it starts with +country code).");
        Field(x => x.Unionid, typeof(StringGraphType)).Description("The WeChat unionid.");
        Field(x => x.Openid, typeof(StringGraphType)).Description("The WeChat openid.");
        Field(x => x.Password, typeof(StringGraphType)).Description("The password: hashed here, or with keepPassword an existing PHC hash (argon2, bcrypt, ...) kept as is.");
        Field(x => x.Oauth, typeof(StringGraphType)).Description("Raw profile data from an OAuth provider (JSON).");
        Field(x => x.LastLogin, typeof(StringGraphType)).Description("The last login time (ISO 8601), e.g. when importing users.");
        Field(x => x.LastIP, typeof(StringGraphType)).Description("The IP of the last login.");
        Field(x => x.SignedUp, typeof(StringGraphType)).Description("When the user signed up (ISO 8601); now when omitted.");
        Field(x => x.ExternalId, typeof(StringGraphType)).Description("The user's id in an external system.");
        Field(x => x.PhoneCountryCode, typeof(StringGraphType)).Description("The phone's country calling code; +86 when omitted.");
        Field(x => x.EmailVerified, typeof(BooleanGraphType)).Description("Whether the email is verified; the pool's emailVerifiedDefault when omitted.");
        Field(x => x.PhoneVerified, typeof(BooleanGraphType)).Description("Whether the phone is verified; false when omitted.");
        Field(x => x.RegisterSource, typeof(ListGraphType<NonNullGraphType<StringGraphType>>)).Description("Where the user came from; import:manual when omitted.");
        Field(x => x.LoginsCount, typeof(IntGraphType)).Description("The number of logins so far (imports).");
        Field(x => x.Blocked, typeof(BooleanGraphType)).Description("Create the user blocked (status Suspended).");
        Field(x => x.IsDeleted, typeof(BooleanGraphType)).Description("Accepted for SDK compatibility and ignored. A new user is never deleted.");
        ProfileFields.AddTo(this);
    }
}

public sealed record CreateUserIdentityInput(string Provider, string UserIdInIdp, string? Openid, bool? IsSocial, string? ConnectionId,
    string? AccessToken, string? RefreshToken);

public sealed class CreateUserIdentityInputType : InputObjectGraphType<CreateUserIdentityInput>
{
    public CreateUserIdentityInputType()
    {
        Name = "CreateUserIdentityInput";
        Field(x => x.Provider, typeof(NonNullGraphType<StringGraphType>)).Description("The identity provider (createUser refuses an identity for now).");
        Field(x => x.UserIdInIdp, typeof(NonNullGraphType<StringGraphType>)).Description("The user's id at the provider.");
        Field(x => x.Openid, typeof(StringGraphType)).Description("The user's openid at the provider.");
        Field(x => x.IsSocial, typeof(BooleanGraphType)).Description("Whether the provider is a social one (else enterprise).");
        Field(x => x.ConnectionId, typeof(StringGraphType)).Description("The provider connection's id.");
        Field(x => x.AccessToken, typeof(StringGraphType)).Description("The provider's access token.");
        Field(x => x.RefreshToken, typeof(StringGraphType)).Description("The provider's refresh token.");
    }
}

public sealed record FindUserByIdentityInput(string? Identifier, string? UserIdInIdp, bool? IsSocial, string? Provider);

public sealed class FindUserByIdentityInputType : InputObjectGraphType<FindUserByIdentityInput>
{
    public FindUserByIdentityInputType()
    {
        Name = "FindUserByIdentityInput";
        Field(x => x.Identifier, typeof(StringGraphType)).Description("The provider connection's identifier (findUser refuses an identity for now).");
        Field(x => x.UserIdInIdp, typeof(StringGraphType)).Description("The user's id at the provider.");
        Field(x => x.IsSocial, typeof(BooleanGraphType)).Description("Whether the provider is a social one (else enterprise).");
        Field(x => x.Provider, typeof(StringGraphType)).Description("The identity provider.");
    }
}

public sealed record SearchUserDepartmentOpt(string? DepartmentId, bool? IncludeChildrenDepartments);

public sealed class SearchUserDepartmentOptType : InputObjectGraphType<SearchUserDepartmentOpt>
{
    public SearchUserDepartmentOptType()
    {
        Name = "SearchUserDepartmentOpt";
        Field(x => x.DepartmentId, typeof(StringGraphType)).Description("Only users of this department (node id); department filters are refused for now.");
        Field(x => x.IncludeChildrenDepartments, typeof(BooleanGraphType)).Description("Also users of its sub-departments.");
    }
}

public sealed record SearchUserGroupOpt(string? Code);

public sealed class SearchUserGroupOptType : InputObjectGraphType<SearchUserGroupOpt>
{
    public SearchUserGroupOptType()
    {
        Name = "SearchUserGroupOpt";
        Field(x => x.Code, typeof(StringGraphType)).Description("Only users of this group (group code); group filters are refused for now.");
    }
}

public sealed record SearchUserRoleOpt(string? Namespace, string Code);

public sealed class SearchUserRoleOptType : InputObjectGraphType<SearchUserRoleOpt>
{
    public SearchUserRoleOptType()
    {
        Name = "SearchUserRoleOpt";
        Field(x => x.Namespace, typeof(StringGraphType)).Description("The role's namespace; the default namespace when omitted.");
        Field(x => x.Code, typeof(NonNullGraphType<StringGraphType>)).Description("Only users with this role (role code); role filters are refused for now.");
    }
}
