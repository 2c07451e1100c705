using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Rbac;

/// <summary>Every SDK document for groups, roles, permissions and orgs validates against the schema and runs without a server error.</summary>
public sealed partial class RbacSdkDocumentTests(RbacSdkDocumentTests.Server server) : IClassFixture<RbacSdkDocumentTests.Server>
{
    public sealed class Server : IDisposable
    {
        public GenAuthApp App { get; } = new();

        public void Dispose() => App.Dispose();
    }

    public static TheoryData<string> Operations() => new(Documents().Keys);

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task SdkDocumentValidatesAndRuns(string operation)
    {
        var client = server.App.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(server.App.Secret);
        var request = client.NewRequest(HttpMethod.Post, GenAuthApp.GraphQLPath, admin);
        var body = new JsonObject { ["query"] = Documents()[operation], ["variables"] = Variables() };
        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        request.Headers.Accept.ParseAdd("application/graphql-response+json");

        using var response = await client.Http.SendAsync(request);
        var result = await GraphQLClient.ReadJsonAsync(response);

        // Note: with application/graphql-response+json a document that fails to parse or validate is a 400.
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{operation}: {(int)response.StatusCode} {result.ToJsonString()}");
        foreach (var error in result["errors"]?.AsArray() ?? [])
        {
            var code = error!["extensions"]?["code"]?.GetValue<int>();
            Assert.True(code is not (null or 4000 or 5000), $"{operation}: {error.ToJsonString()}");
        }
    }

    /// <summary>One value per variable name used by these documents (names mean the same thing across them).</summary>
    private static JsonObject Variables() => new()
    {
        ["code"] = "sdk-code", ["name"] = "SDK", ["description"] = "d", ["newCode"] = "sdk-code-2", ["codeList"] = new JsonArray("sdk-code"),
        ["userIds"] = new JsonArray(), ["userId"] = "5f00000000000000000000ff", ["id"] = "5f00000000000000000000ff",
        ["namespace"] = "default", ["parent"] = null, ["roleCode"] = "sdk-role", ["roleCodes"] = new JsonArray(), ["groupCodes"] = new JsonArray(),
        ["nodeCodes"] = new JsonArray(), ["resource"] = "books:1", ["resourceType"] = "DATA", ["action"] = "books:read",
        ["opts"] = new JsonArray(), ["targetType"] = "USER", ["targetIdentifier"] = "5f00000000000000000000ff",
        ["actions"] = new JsonObject { ["op"] = "OR", ["list"] = new JsonArray("read") },
        ["orgId"] = "5f00000000000000000000fe", ["nodeId"] = "5f00000000000000000000fd", ["parentNodeId"] = null,
        ["targetParentId"] = "5f00000000000000000000fc", ["sourceNodeId"] = "5f00000000000000000000fd", ["targetNodeId"] = "5f00000000000000000000fc",
        ["departmentId"] = null, ["keyword"] = "sdk", ["page"] = 1, ["limit"] = 10, ["sortBy"] = "CREATEDAT_DESC", ["includeChildrenNodes"] = true,
        ["isLeader"] = false, ["order"] = 1, ["nameI18n"] = null, ["descriptionI18n"] = null, ["tenantId"] = null, ["nodeCode"] = "sdk-node",
    };

    private static Dictionary<string, string> Documents()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), "tests", "GenAuth.Tests", "Rbac", "RbacSdkDocuments.graphql"));
        return OperationStart().Split(text)
            .Where(block => block.StartsWith("query ", StringComparison.Ordinal) || block.StartsWith("mutation ", StringComparison.Ordinal))
            .Select(block => block.Trim())
            .ToDictionary(block => OperationName().Match(block).Groups[1].Value);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GenAuth.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"GenAuth.sln not found above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"(?m)^(?=query |mutation )")]
    private static partial Regex OperationStart();

    [GeneratedRegex(@"^(?:query|mutation) (\w+)")]
    private static partial Regex OperationName();
}
