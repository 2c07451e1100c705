using System.Text.Json.Nodes;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Users;
using GenAuth.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Rbac;

/// <summary>An admin session on the test server: runs operations with the management token, seeds users cheaply.</summary>
public sealed class RbacClient
{
    private readonly GenAuthApp _app;

    private RbacClient(GenAuthApp app, GraphQLClient client, string adminToken)
    {
        _app = app;
        Client = client;
        AdminToken = adminToken;
    }

    public GraphQLClient Client { get; }
    public string AdminToken { get; }

    public static async Task<RbacClient> CreateAsync(GenAuthApp app)
    {
        var client = app.CreateGraphQLClient();
        return new RbacClient(app, client, await client.ManagementTokenAsync(app.Secret));
    }

    /// <summary>Runs as admin and returns data.{field}, failing on any error.</summary>
    public async Task<JsonNode> AdminAsync(string query, string field, object? variables = null) =>
        GraphQLClient.Success(await Client.PostAsync(query, variables, AdminToken), field);

    /// <summary>Runs as admin and returns the error code.</summary>
    public async Task<int> AdminErrorAsync(string query, object? variables = null) =>
        GraphQLClient.ErrorCode(await Client.PostAsync(query, variables, AdminToken));

    /// <summary>Users inserted straight into the database (no password hashing: these tests are about directories).</summary>
    public async Task<List<string>> SeedUsersAsync(int count, string prefix = "u")
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
        db.PoolId = _app.UserPoolId;
        var ids = new List<string>();
        var now = DateTime.UtcNow;
        for (var i = 0; i < count; i++)
        {
            var id = Ids.New();
            var email = $"{prefix}{i}-{id}@example.com";
            db.Users.Add(new User
            {
                Id = id, UserPoolId = _app.UserPoolId, Email = email, EmailNormalized = email, Username = $"{prefix}{i}-{id}",
                SignedUp = now, CreatedAt = now.AddMilliseconds(i), UpdatedAt = now,
            });
            ids.Add(id);
        }
        await db.SaveChangesAsync();
        return ids;
    }

    public static List<string> Codes(JsonNode list, string field = "code") =>
        list.AsArray().Select(n => n![field]!.GetValue<string>()).ToList();
}

public static class RbacOps
{
    public const string CreateGroup = "mutation($code: String!, $name: String!, $description: String) { createGroup(code: $code, name: $name, description: $description) { code name description createdAt updatedAt } }";
    public const string UpdateGroup = "mutation($code: String!, $name: String, $description: String, $newCode: String) { updateGroup(code: $code, name: $name, description: $description, newCode: $newCode) { code name description createdAt updatedAt } }";
    public const string DeleteGroups = "mutation($codeList: [String!]!) { deleteGroups(codeList: $codeList) { message code } }";
    public const string Group = "query($code: String!) { group(code: $code) { code name description createdAt updatedAt } }";
    public const string Groups = "query($userId: String, $page: Int, $limit: Int, $sortBy: SortByEnum) { groups(userId: $userId, page: $page, limit: $limit, sortBy: $sortBy) { totalCount list { code name description createdAt updatedAt } } }";
    public const string GroupWithUsers = "query($code: String!, $page: Int, $limit: Int) { group(code: $code) { users(page: $page, limit: $limit) { totalCount list { id email } } } }";
    public const string AddUserToGroup = "mutation($userIds: [String!]!, $code: String) { addUserToGroup(userIds: $userIds, code: $code) { message code } }";
    public const string RemoveUserFromGroup = "mutation($userIds: [String!]!, $code: String) { removeUserFromGroup(userIds: $userIds, code: $code) { message code } }";
    public const string GetUserGroups = "query($id: String!) { user(id: $id) { groups { totalCount list { code name description createdAt updatedAt } } } }";

    private const string RoleFields = "id namespace code arn description createdAt updatedAt parent { namespace code arn description createdAt updatedAt }";
    public const string CreateRole = "mutation($namespace: String, $code: String!, $description: String, $parent: String) { createRole(namespace: $namespace, code: $code, description: $description, parent: $parent) { " + RoleFields + " } }";
    public const string UpdateRole = "mutation($code: String!, $description: String, $newCode: String, $namespace: String) { updateRole(code: $code, description: $description, newCode: $newCode, namespace: $namespace) { " + RoleFields + " } }";
    public const string DeleteRole = "mutation($code: String!, $namespace: String) { deleteRole(code: $code, namespace: $namespace) { message code } }";
    public const string DeleteRoles = "mutation($codeList: [String!]!, $namespace: String) { deleteRoles(codeList: $codeList, namespace: $namespace) { message code } }";
    public const string Role = "query($code: String!, $namespace: String) { role(code: $code, namespace: $namespace) { " + RoleFields + " } }";
    public const string Roles = "query($namespace: String, $page: Int, $limit: Int, $sortBy: SortByEnum) { roles(namespace: $namespace, page: $page, limit: $limit, sortBy: $sortBy) { totalCount list { id namespace code arn description createdAt updatedAt } } }";
    public const string RoleWithUsers = "query($code: String!, $namespace: String, $page: Int, $limit: Int) { role(code: $code, namespace: $namespace) { users(page: $page, limit: $limit) { totalCount list { id email } } } }";
    public const string AssignRole = "mutation($namespace: String, $roleCode: String, $roleCodes: [String], $userIds: [String!], $groupCodes: [String!], $nodeCodes: [String!]) { assignRole(namespace: $namespace, roleCode: $roleCode, roleCodes: $roleCodes, userIds: $userIds, groupCodes: $groupCodes, nodeCodes: $nodeCodes) { message code } }";
    public const string RevokeRole = "mutation($namespace: String, $roleCode: String, $roleCodes: [String], $userIds: [String!], $groupCodes: [String!], $nodeCodes: [String!]) { revokeRole(namespace: $namespace, roleCode: $roleCode, roleCodes: $roleCodes, userIds: $userIds, groupCodes: $groupCodes, nodeCodes: $nodeCodes) { message code } }";
    public const string GetUserRoles = "query($id: String!, $namespace: String) { user(id: $id) { roles(namespace: $namespace) { totalCount list { id code namespace arn description createdAt updatedAt parent { code namespace arn description createdAt updatedAt } } } } }";

    public const string AuthorizeResource = "mutation($namespace: String, $resource: String, $resourceType: ResourceType, $opts: [AuthorizeResourceOpt]) { authorizeResource(namespace: $namespace, resource: $resource, resourceType: $resourceType, opts: $opts) { code message } }";
    public const string Allow = "mutation($resource: String!, $action: String!, $userId: String, $userIds: [String!], $roleCode: String, $roleCodes: [String!], $namespace: String) { allow(resource: $resource, action: $action, userId: $userId, userIds: $userIds, roleCode: $roleCode, roleCodes: $roleCodes, namespace: $namespace) { message code } }";
    public const string IsActionAllowed = "query($resource: String!, $action: String!, $userId: String!, $namespace: String) { isActionAllowed(resource: $resource, action: $action, userId: $userId, namespace: $namespace) }";
    public const string IsActionDenied = "query($resource: String!, $action: String!, $userId: String!) { isActionDenied(resource: $resource, action: $action, userId: $userId) }";
    public const string AuthorizedTargets = "query($namespace: String!, $resourceType: ResourceType!, $resource: String!, $targetType: PolicyAssignmentTargetType, $actions: AuthorizedTargetsActionsInput) { authorizedTargets(namespace: $namespace, resource: $resource, resourceType: $resourceType, targetType: $targetType, actions: $actions) { totalCount list { targetType targetIdentifier actions } } }";
    public const string ListUserAuthorizedResources = "query($id: String!, $namespace: String, $resourceType: String) { user(id: $id) { authorizedResources(namespace: $namespace, resourceType: $resourceType) { totalCount list { code type actions apiIdentifier } } } }";
    public const string ListRoleAuthorizedResources = "query($code: String!, $namespace: String, $resourceType: String) { role(code: $code, namespace: $namespace) { authorizedResources(resourceType: $resourceType) { totalCount list { code type actions apiIdentifier } } } }";
    public const string ListGroupAuthorizedResources = "query($code: String!, $namespace: String, $resourceType: String) { group(code: $code) { authorizedResources(namespace: $namespace, resourceType: $resourceType) { totalCount list { code type actions apiIdentifier } } } }";
    public const string ListNodeByIdAuthorizedResources = "query($id: String!, $namespace: String, $resourceType: String) { nodeById(id: $id) { authorizedResources(namespace: $namespace, resourceType: $resourceType) { totalCount list { code type actions apiIdentifier } } } }";
    public const string ListNodeByCodeAuthorizedResources = "query($orgId: String!, $code: String!, $namespace: String, $resourceType: String) { nodeByCode(orgId: $orgId, code: $code) { authorizedResources(namespace: $namespace, resourceType: $resourceType) { totalCount list { code type actions apiIdentifier } } } }";
}
