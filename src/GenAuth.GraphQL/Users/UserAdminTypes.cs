using GenAuth.Core.Admin;
using GenAuth.Core.Common;
using GenAuth.Core.Sessions;
using GenAuth.Core.Users;
using GenAuth.GraphQL.Common;
using GenAuth.GraphQL.CustomFields;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Users;

/// <summary>Turns rows into UserViews and announces them to the customData loader (no N+1 on lists).</summary>
public static class UserViews
{
    public static List<UserView> Of(IResolveFieldContext c, IEnumerable<User> users)
    {
        var list = users.Select(u => new UserView(u)).ToList();
        c.Service<CustomDataLoader>().Expect(list.Select(v => v.User.Id));
        return list;
    }

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

public sealed class UsersFilterInputType : InputObjectGraphType
{
    public UsersFilterInputType()
    {
        Name = "UsersFilterInput";
        Field<StringGraphType>("emailPrefix");
        Field<StringGraphType>("phonePrefix");
        Field<StringGraphType>("usernamePrefix");
        Field<StringGraphType>("nicknamePrefix");
        Field<BooleanGraphType>("blocked");
        Field<StringGraphType>("createdAfter").Description("ISO 8601, inclusive.");
        Field<StringGraphType>("createdBefore").Description("ISO 8601, exclusive.");
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

public sealed class CreateUserInputType : InputObjectGraphType
{
    public CreateUserInputType()
    {
        Name = "CreateUserInput";
        foreach (var name in new[] { "email", "phone", "unionid", "openid", "password", "oauth", "lastLogin", "lastIP", "signedUp",
                     "externalId", "phoneCountryCode" })
            Field<StringGraphType>(name);
        Field<BooleanGraphType>("emailVerified");
        Field<BooleanGraphType>("phoneVerified");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("registerSource");
        Field<IntGraphType>("loginsCount");
        Field<BooleanGraphType>("blocked");
        Field<BooleanGraphType>("isDeleted");
        ProfileFields.AddTo(this);
    }
}

public sealed class CreateUserIdentityInputType : InputObjectGraphType
{
    public CreateUserIdentityInputType()
    {
        Name = "CreateUserIdentityInput";
        Field<NonNullGraphType<StringGraphType>>("provider");
        Field<NonNullGraphType<StringGraphType>>("userIdInIdp");
        Field<StringGraphType>("openid");
        Field<BooleanGraphType>("isSocial");
        Field<StringGraphType>("connectionId");
        Field<StringGraphType>("accessToken");
        Field<StringGraphType>("refreshToken");
    }
}

public sealed class FindUserByIdentityInputType : InputObjectGraphType
{
    public FindUserByIdentityInputType()
    {
        Name = "FindUserByIdentityInput";
        Field<StringGraphType>("identifier");
        Field<StringGraphType>("userIdInIdp");
        Field<BooleanGraphType>("isSocial");
        Field<StringGraphType>("provider");
    }
}

public sealed class SearchUserDepartmentOptType : InputObjectGraphType
{
    public SearchUserDepartmentOptType()
    {
        Name = "SearchUserDepartmentOpt";
        Field<StringGraphType>("departmentId");
        Field<BooleanGraphType>("includeChildrenDepartments");
    }
}

public sealed class SearchUserGroupOptType : InputObjectGraphType
{
    public SearchUserGroupOptType()
    {
        Name = "SearchUserGroupOpt";
        Field<StringGraphType>("code");
    }
}

public sealed class SearchUserRoleOptType : InputObjectGraphType
{
    public SearchUserRoleOptType()
    {
        Name = "SearchUserRoleOpt";
        Field<StringGraphType>("namespace");
        Field<NonNullGraphType<StringGraphType>>("code");
    }
}
