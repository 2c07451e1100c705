using System.Text.Json;
using GenAuth.Core.Admin;
using GenAuth.Core.Codes;
using GenAuth.Core.Common;
using GenAuth.Core.Users;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Users;

/// <summary>Admin reads of users (SDK: UsersDocument, ArchivedUsersDocument, SearchUserDocument, FindUserDocument, UserBatchDocument).</summary>
public sealed class UserAdminQueries : IQueryFields
{
    public void Register(ObjectGraphType q)
    {
        q.Field<NonNullGraphType<PaginatedUsersType>>("users")
            .Description("The pool's users, a page at a time (page from 1).")
            .Argument<IntGraphType>("page")
            .Argument<IntGraphType>("limit")
            .Argument<SortByEnum>("sortBy")
            .Argument<BooleanGraphType>("excludeUsersInOrg")
            .PagedBy()
            .AdminOnly()
            .ResolveAsync(async c =>
            {
                if (c.GetArgument<bool>("excludeUsersInOrg"))
                    throw new GenAuthException(ErrorCodes.BadRequest, detail: "excludeUsersInOrg is not supported yet");
                var page = await c.Service<UserAdminService>().ListAsync(c.GetArgument("page", 1), c.GetArgument("limit", 10),
                    Sort(c.GetArgument<string?>("sortBy")), c.CancellationToken);
                return UserViews.Of(c, page);
            });
        q.Field<NonNullGraphType<UserConnectionType>>("usersConnection")
            .Description("Users as a Relay-style connection (newest first), with prefix, blocked and creation-time filters.")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .Argument<UsersFilterInputType>("filter")
            .PagedBy("first")
            .AdminOnly()
            .ResolveAsync(async c =>
            {
                var f = c.GetArgument<UsersFilterInput?>("filter");
                var filter = new UserFilter(f?.EmailPrefix, f?.PhonePrefix, f?.UsernamePrefix, f?.NicknamePrefix, f?.Blocked,
                    Time(f?.CreatedAfter, "createdAfter"), Time(f?.CreatedBefore, "createdBefore"));
                var page = await c.Service<UserAdminService>().ConnectionAsync(c.GetArgument<int?>("first"), c.GetArgument<string?>("after"),
                    filter, c.CancellationToken);
                var views = UserViews.Of(c, page.Edges.Select(e => e.Node));
                return new UserConnectionView(page.Edges.Select((e, i) => (e.Cursor, views[i])).ToList(), page.HasNextPage, page.EndCursor, page.TotalCount);
            });
        q.Field<NonNullGraphType<PaginatedUsersType>>("archivedUsers")
            .Description("Deleted (archived) users, most recently deleted first.")
            .Argument<IntGraphType>("page")
            .Argument<IntGraphType>("limit")
            .PagedBy()
            .AdminOnly()
            .ResolveAsync(async c => UserViews.Of(c, await c.Service<UserAdminService>().ArchivedAsync(
                c.GetArgument("page", 1), c.GetArgument("limit", 10), c.CancellationToken)));
        q.Field<NonNullGraphType<PaginatedUsersType>>("searchUser")
            .Description("Users whose username, email, phone, nickname, name or externalId starts with the query (or only the given fields).")
            .Argument<NonNullGraphType<StringGraphType>>("query")
            .Argument<ListGraphType<StringGraphType>>("fields")
            .Argument<IntGraphType>("page")
            .Argument<IntGraphType>("limit")
            .Argument<ListGraphType<SearchUserDepartmentOptType>>("departmentOpts")
            .Argument<ListGraphType<SearchUserGroupOptType>>("groupOpts")
            .Argument<ListGraphType<SearchUserRoleOptType>>("roleOpts")
            .PagedBy()
            .AdminOnly()
            .ResolveAsync(async c =>
            {
                NotSupportedYet(c.GetArgument<List<SearchUserDepartmentOpt>?>("departmentOpts"), "departmentOpts");
                NotSupportedYet(c.GetArgument<List<SearchUserGroupOpt>?>("groupOpts"), "groupOpts");
                NotSupportedYet(c.GetArgument<List<SearchUserRoleOpt>?>("roleOpts"), "roleOpts");
                var page = await c.Service<UserAdminService>().SearchAsync(c.GetArgument<string>("query"),
                    c.GetArgument<List<string>?>("fields"), c.GetArgument("page", 1), c.GetArgument("limit", 10), c.CancellationToken);
                return UserViews.Of(c, page);
            });
        q.Field<UserType>("findUser")
            .Description("The user with this email, phone, username or externalId (exact), or null.")
            .Argument<StringGraphType>("email")
            .Argument<StringGraphType>("phone")
            .Argument<StringGraphType>("username")
            .Argument<StringGraphType>("externalId")
            .Argument<FindUserByIdentityInputType>("identity")
            .AdminOnly()
            .ResolveAsync(async c =>
            {
                if (c.GetArgument<FindUserByIdentityInput?>("identity") is not null)
                    throw new GenAuthException(ErrorCodes.BadRequest, detail: "finding users by identity is not supported yet");
                var user = await c.Service<UserAdminService>().FindAsync(c.GetArgument<string?>("email"), c.GetArgument<string?>("phone"),
                    c.GetArgument<string?>("username"), c.GetArgument<string?>("externalId"), c.CancellationToken);
                return user is null ? null : new UserView(user);
            });
        q.Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserType>>>>("userBatch")
            .Description("Users by id (type: id, username, email, phone or externalId), in the order asked; unknown ones are left out.")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("ids")
            .Argument<StringGraphType>("type")
            .PagedByIds()
            .AdminOnly()
            .ResolveAsync(async c => UserViews.Of(c, await c.Service<UserAdminService>().BatchAsync(
                c.GetArgument<List<string>>("ids"), c.GetArgument<string?>("type"), c.CancellationToken)));
        q.Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserSessionType>>>>("userSessions")
            .Description("A user's live sessions (seed 001: login status), newest first.")
            .Argument<NonNullGraphType<StringGraphType>>("userId")
            .AdminOnly()
            .ResolveAsync(async c => await c.Service<UserAdminService>().SessionsAsync(c.GetArgument<string>("userId"), c.CancellationToken));
        q.Field<NonNullGraphType<PaginatedLoginHistoryType>>("userLoginHistory")
            .Description("A user's logins: time, app, IP, success, user agent; newest first.")
            .Argument<NonNullGraphType<StringGraphType>>("userId")
            .Argument<IntGraphType>("page")
            .Argument<IntGraphType>("limit")
            .PagedBy()
            .AdminOnly()
            .ResolveAsync(async c => await c.Service<UserAdminService>().LoginHistoryAsync(c.GetArgument<string>("userId"),
                c.GetArgument("page", 1), c.GetArgument("limit", 10), c.CancellationToken));
    }

    internal static UserSort Sort(string? sortBy) => sortBy switch
    {
        "CREATEDAT_ASC" => UserSort.CreatedAtAsc,
        "UPDATEDAT_DESC" => UserSort.UpdatedAtDesc,
        "UPDATEDAT_ASC" => UserSort.UpdatedAtAsc,
        _ => UserSort.CreatedAtDesc,
    };

    private static DateTime? Time(string? value, string field) => value is null ? null : Validation.RequireTime(value, field);

    private static void NotSupportedYet<T>(List<T>? options, string argument)
    {
        if (options is { Count: > 0 })
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"{argument} is not supported yet");
    }
}

/// <summary>createUser, deleteUser(s), kickUsers.</summary>
public sealed class UserAdminMutations : IMutationFields
{
    public void Register(ObjectGraphType m)
    {
        m.Field<NonNullGraphType<UserType>>("createUser")
            .Description("Creates a user as an admin: not bound by registration settings or the whitelist, no codes; params: custom data as [{key, value}] JSON.")
            .Argument<NonNullGraphType<CreateUserInputType>>("userInfo")
            .Argument<BooleanGraphType>("keepPassword")
            .Argument<BooleanGraphType>("resetPasswordOnFirstLogin")
            .Argument<StringGraphType>("params")
            .Argument<CreateUserIdentityInputType>("identity")
            .AdminOnly()
            .ResolveAsync(async c =>
            {
                if (c.GetArgument<CreateUserIdentityInput?>("identity") is not null)
                    throw new GenAuthException(ErrorCodes.BadRequest, detail: "creating users with an identity is not supported yet");
                var info = c.GetArgument<CreateUserInput>("userInfo").ToProfileInput();
                var view = await c.Service<UserAdminService>().CreateAsync(info, c.GetArgument<bool>("keepPassword"),
                    c.GetArgument<bool>("resetPasswordOnFirstLogin"), CustomData(c.GetArgument<string?>("params")), c.CancellationToken);
                return view;
            });
        m.Field<CommonMessageType>("sendFirstLoginVerifyEmail")
            .Description("Sends a user the verify-email link for an app (GenAuth's first-login verification mail).")
            .Argument<NonNullGraphType<StringGraphType>>("userId", "The user (must have an email address).")
            .Argument<NonNullGraphType<StringGraphType>>("appId", "An app of the pool the mail is sent for.")
            .AdminOnly()
            .ResolveAsync(async c =>
            {
                await c.Service<AccountMailer>().SendFirstLoginVerifyEmailAsync(c.GetArgument<string>("userId"), c.GetArgument<string>("appId"),
                    c.CancellationToken);
                return new CommonMessage(200, "ok");
            });
        m.Field<CommonMessageType>("deleteUser")
            .Description("Deletes (archives) a user and ends their sessions.")
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .AdminOnly()
            .ResolveAsync(async c =>
            {
                await c.Service<UserAdminService>().DeleteAsync([c.GetArgument<string>("id")], c.CancellationToken);
                return new CommonMessage(200, "ok");
            });
        m.Field<CommonMessageType>("deleteUsers")
            .Description("Deletes (archives) users and ends their sessions; nothing is deleted when one id is unknown.")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("ids")
            .AdminOnly()
            .ResolveAsync(async c =>
            {
                await c.Service<UserAdminService>().DeleteAsync(c.GetArgument<List<string>>("ids"), c.CancellationToken);
                return new CommonMessage(200, "ok");
            });
        m.Field<CommonMessageType>("kickUsers")
            .Description("Force offline: every session of the users (in one app when named) ends at once.")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("userIds")
            .Argument<StringGraphType>("appId")
            .AdminOnly()
            .ResolveAsync(async c =>
            {
                await c.Service<UserAdminService>().KickAsync(c.GetArgument<List<string>>("userIds"), c.GetArgument<string?>("appId"), c.CancellationToken);
                return new CommonMessage(200, "ok");
            });
    }

    /// <summary>createUser's params: custom data as a JSON list of { key, value } (what the SDK sends).</summary>
    internal static List<KeyValuePair<string, string?>>? CustomData(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.EnumerateArray().Select(e => new KeyValuePair<string, string?>(
                e.GetProperty("key").GetString()!,
                e.TryGetProperty("value", out var v) ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()) : null)).ToList();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "params must be a JSON list of {key, value}");
        }
    }
}
