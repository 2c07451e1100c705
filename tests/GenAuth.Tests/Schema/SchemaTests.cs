using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GenAuth.GraphQL.Common;
using GenAuth.Tests.Infrastructure;
using GraphQL;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Schema;

/// <summary>
/// schema/schema.graphql is the printed SDL of the live schema (a schema change is a reviewed diff), and the SDK's
/// own documents for the foundation validate against it.
/// </summary>
public sealed partial class SchemaTests : IDisposable
{
    private readonly GenAuthApp _app = new();

    public void Dispose() => _app.Dispose();

    /// <summary>
    /// The one schema test. It never passes by writing: with UPDATE_SCHEMA=1 (never under CI) it rewrites the file and
    /// still fails, so a regenerated schema is a diff to review and commit, then a green run without the variable.
    /// </summary>
    [Fact]
    public void SchemaFileMatchesTheLiveSchema()
    {
        var sdl = PrintSchema();
        var path = Path.Combine(RepositoryRoot(), "schema", "schema.graphql");
        var committed = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : null;
        if (committed == sdl)
            return;

        var inCi = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
        var update = Environment.GetEnvironmentVariable("UPDATE_SCHEMA") == "1";
        var drift = committed is null ? $"{path} is missing." : $"{path} differs from the live schema:\n{FirstDifference(committed, sdl)}";
        if (update && !inCi)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, sdl);
            Assert.Fail($"{drift}\nUPDATE_SCHEMA=1: rewrote {path}. Review `git diff schema/schema.graphql`, commit it, and run " +
                        "the tests again without UPDATE_SCHEMA (this run fails so a regeneration never passes silently).");
        }
        Assert.Fail($"{drift}\nIf the schema change is intended, regenerate it outside CI with " +
                    "`UPDATE_SCHEMA=1 dotnet test --filter FullyQualifiedName~SchemaFileMatchesTheLiveSchema` and commit the diff" +
                    (inCi && update ? " (UPDATE_SCHEMA is ignored because CI is set: CI never writes the schema)." : "."));
    }

    /// <summary>The first differing line of the committed and the live SDL, with a little context, as a diff hint.</summary>
    private static string FirstDifference(string committed, string live)
    {
        var a = committed.Split('\n');
        var b = live.Split('\n');
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
            i++;
        var from = Math.Max(0, i - 3);
        var hint = new StringBuilder($"first difference at line {i + 1}:\n");
        for (var j = from; j < i; j++)
            hint.Append("  ").AppendLine(a[j]);
        for (var j = i; j < Math.Min(a.Length, i + 3); j++)
            hint.Append("- ").AppendLine(a[j]);
        for (var j = i; j < Math.Min(b.Length, i + 3); j++)
            hint.Append("+ ").AppendLine(b[j]);
        return hint.ToString();
    }

    public static TheoryData<string> SdkOperations() => new(SdkDocuments().Keys);

    /// <summary>Each SDK document, with real data behind it, parses, validates and runs without any error.</summary>
    [Theory]
    [MemberData(nameof(SdkOperations))]
    public async Task SdkDocumentValidatesAndExecutes(string operation)
    {
        var client = _app.CreateGraphQLClient();
        var (id, token) = await client.RegisterAndLoginAsync("sdk-doc@example.com");
        var admin = await client.ManagementTokenAsync(_app.Secret);
        if (operation == "loginByUsername")
            await client.PostAsync(Ops.RegisterByUsername, new { input = new { username = "sdk-user", password = GraphQLClient.Password } });
        if (operation == "loginByPhonePassword")
            await client.PostAsync(Ops.UpdateUser, new { id, input = new { phone = "13000000000" } }, admin);
        var asAdmin = operation is "userpool" or "accessToken" || ManagementOperations.Contains(operation);
        if (ManagementOperations.Contains(operation))
            GraphQLClient.Success(await client.PostAsync(
                "mutation { setUdf(targetType: USER, key: \"dept\", dataType: STRING, label: \"Dept\") { key } }", token: admin), "setUdf");

        var request = client.NewRequest(HttpMethod.Post, GenAuthApp.GraphQLPath, asAdmin ? admin : token);
        var body = new JsonObject { ["query"] = SdkDocuments()[operation], ["variables"] = VariablesFor(operation, id) };
        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        request.Headers.Accept.ParseAdd("application/graphql-response+json");
        using var response = await client.Http.SendAsync(request);
        var result = await GraphQLClient.ReadJsonAsync(response);

        // Note: with application/graphql-response+json a document that fails to parse or validate is a 400.
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{operation}: {(int)response.StatusCode} {result.ToJsonString()}");
        var errors = result["errors"]?.AsArray() ?? [];
        Assert.True(errors.Count == 0, $"{operation} failed: {result.ToJsonString()}");
        Assert.NotNull(result["data"]?[RootField().Match(SdkDocuments()[operation]).Groups[1].Value]);
    }

    /// <summary>The management documents (issue 6), run with a management token after a USER field "dept" is defined.</summary>
    private static readonly HashSet<string> ManagementOperations =
    [
        "createUser", "createUserWithCustomData", "users", "usersWithCustomData", "archivedUsers", "searchUser", "findUser",
        "findUserWithCustomData", "userBatch", "userBatchWithCustomData", "userWithCustomData", "deleteUser", "deleteUsers", "udf",
        "setUdf", "removeUdf", "udv", "setUdv", "setUdvBatch", "removeUdv", "udfValueBatch", "setUdfValueBatch", "updateUserpool",
        "refreshUserpoolSecret", "whitelist", "addWhitelist", "removeWhitelist",
    ];

    private JsonObject VariablesFor(string operation, string id)
    {
        const string password = GraphQLClient.Password;
        JsonArray Ids() => [id];
        return operation switch
        {
            "createUser" => new() { ["userInfo"] = new JsonObject { ["email"] = "sdk-created@example.com", ["password"] = password } },
            "createUserWithCustomData" => new()
            {
                ["userInfo"] = new JsonObject { ["username"] = "sdk-custom" }, ["params"] = "[{\"key\":\"dept\",\"value\":\"eng\"}]",
            },
            "users" or "usersWithCustomData" or "archivedUsers" => new() { ["page"] = 1, ["limit"] = 10 },
            "searchUser" => new() { ["query"] = "sdk" },
            "findUser" or "findUserWithCustomData" => new() { ["email"] = "sdk-doc@example.com" },
            "userBatch" or "userBatchWithCustomData" or "deleteUsers" => new() { ["ids"] = Ids() },
            "userWithCustomData" or "deleteUser" => new() { ["id"] = id },
            "udf" => new() { ["targetType"] = "USER" },
            "setUdf" => new() { ["targetType"] = "USER", ["key"] = "title", ["dataType"] = "STRING", ["label"] = "Title" },
            "removeUdf" => new() { ["targetType"] = "USER", ["key"] = "dept" },
            "udv" => new() { ["targetType"] = "USER", ["targetId"] = id },
            "setUdv" => new() { ["targetType"] = "USER", ["targetId"] = id, ["key"] = "dept", ["value"] = "\"eng\"" },
            "setUdvBatch" => new()
            {
                ["targetType"] = "USER", ["targetId"] = id, ["udvList"] = new JsonArray(new JsonObject { ["key"] = "dept", ["value"] = "\"eng\"" }),
            },
            "removeUdv" => new() { ["targetType"] = "USER", ["targetId"] = id, ["key"] = "dept" },
            "udfValueBatch" => new() { ["targetType"] = "USER", ["targetIds"] = Ids() },
            "setUdfValueBatch" => new()
            {
                ["targetType"] = "USER",
                ["input"] = new JsonArray(new JsonObject { ["targetId"] = id, ["key"] = "dept", ["value"] = "\"eng\"" }),
            },
            "updateUserpool" => new() { ["input"] = new JsonObject { ["registerDisabled"] = false } },
            "whitelist" => new() { ["type"] = "EMAIL" },
            "addWhitelist" or "removeWhitelist" => new() { ["type"] = "EMAIL", ["list"] = new JsonArray("a@example.com") },
            "registerByEmail" => new() { ["input"] = new JsonObject { ["email"] = "sdk-new@example.com", ["password"] = password } },
            "registerByUsername" => new() { ["input"] = new JsonObject { ["username"] = "sdknew", ["password"] = password } },
            "loginByEmail" => new() { ["input"] = new JsonObject { ["email"] = "sdk-doc@example.com", ["password"] = password } },
            "loginByUsername" => new() { ["input"] = new JsonObject { ["username"] = "sdk-user", ["password"] = password } },
            "loginByPhonePassword" => new() { ["input"] = new JsonObject { ["phone"] = "13000000000", ["password"] = password } },
            "updateUser" => new() { ["input"] = new JsonObject { ["nickname"] = "sdk" } },
            "updatePassword" => new() { ["newPassword"] = "Battery-Staple-37", ["oldPassword"] = password },
            "checkLoginStatus" => new() { ["token"] = null },
            "checkPasswordStrength" => new() { ["password"] = password },
            "isUserExists" => new() { ["email"] = "sdk-doc@example.com" },
            "accessToken" => new() { ["userPoolId"] = _app.UserPoolId, ["secret"] = _app.Secret },
            _ => [],
        };
    }

    private string PrintSchema()
    {
        var schema = _app.Services.GetRequiredService<GenAuthSchema>();
        return schema.Print().ReplaceLineEndings("\n").TrimEnd() + "\n";
    }

    /// <summary>The documents of SdkDocuments.graphql by operation name.</summary>
    private static Dictionary<string, string> SdkDocuments()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), "tests", "GenAuth.Tests", "Schema", "SdkDocuments.graphql"));
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

    /// <summary>The first root field of a document (createUserWithCustomData selects createUser).</summary>
    [GeneratedRegex(@"\{\s*(\w+)")]
    private static partial Regex RootField();
}
