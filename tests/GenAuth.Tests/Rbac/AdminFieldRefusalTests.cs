using System.Text.Json.Nodes;
using GenAuth.GraphQL.Common;
using GenAuth.GraphQL.Groups;
using GenAuth.Tests.Infrastructure;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Rbac;

/// <summary>
/// QUALITY R6, driven by the schema: every root field marked admin-only (genauth:admin) refuses an end user's token
/// (403) and an anonymous caller (2020), whatever its arguments.
/// </summary>
public sealed class AdminFieldRefusalTests(AdminFieldRefusalTests.Server server) : IClassFixture<AdminFieldRefusalTests.Server>
{
    public sealed class Server : IDisposable
    {
        public GenAuthApp App { get; } = new();

        public void Dispose() => App.Dispose();
    }

    public static TheoryData<string> AdminFields()
    {
        using var app = new GenAuthApp();
        var schema = app.Services.GetRequiredService<GenAuthSchema>();
        schema.Initialize();
        var data = new TheoryData<string>();
        foreach (var (kind, type) in new[] { ("query", schema.Query), ("mutation", schema.Mutation!) })
        foreach (var field in type.Fields.Where(f => f.GetMetadata<bool>(AdminFieldExtensions.Key)))
            data.Add($"{kind} {field.Name}");
        return data;
    }

    [Fact]
    public void EveryRbacRootFieldIsMarked()
    {
        var fields = ((IEnumerable<object[]>)AdminFields()).Select(row => (string)row[0]).ToHashSet();
        foreach (var name in new[] { "query groups", "mutation createRole", "mutation authorizeResource", "query isActionAllowed", "mutation moveNode", "query orgs" })
            Assert.Contains(name, fields);
    }

    [Theory]
    [MemberData(nameof(AdminFields))]
    public async Task EndUsersAndAnonymousCallersAreRefused(string field)
    {
        var client = server.App.CreateGraphQLClient();
        var email = $"refused-{Guid.NewGuid():N}@example.com";
        var (_, token) = await client.RegisterAndLoginAsync(email);
        var document = Document(field);

        var asUser = await client.PostAsync(document, token: token);
        var asNobody = await client.PostAsync(document);

        Assert.True(GraphQLClient.ErrorCode(asUser) == 403, $"{field} as a user: {asUser.ToJsonString()}");
        Assert.True(GraphQLClient.ErrorCode(asNobody) == 2020, $"{field} anonymously: {asNobody.ToJsonString()}");
    }

    /// <summary>The field with a placeholder for each required argument, selecting __typename when it returns an object.</summary>
    private string Document(string field)
    {
        var schema = server.App.Services.GetRequiredService<GenAuthSchema>();
        var (kind, name) = (field.Split(' ')[0], field.Split(' ')[1]);
        var type = kind == "query" ? schema.Query : schema.Mutation!;
        var f = type.Fields.Find(name)!;
        var args = (f.Arguments ?? []).Where(a => a.ResolvedType is NonNullGraphType)
            .Select(a => $"{a.Name}: {Placeholder(a.ResolvedType!)}").ToList();
        var call = args.Count == 0 ? name : $"{name}({string.Join(", ", args)})";
        var selection = Unwrap(f.ResolvedType!) is IComplexGraphType ? " { __typename }" : "";
        return $"{kind} {{ {call}{selection} }}";
    }

    private static IGraphType Unwrap(IGraphType t) => t switch
    {
        NonNullGraphType n => Unwrap(n.ResolvedType!),
        ListGraphType l => Unwrap(l.ResolvedType!),
        _ => t,
    };

    private static string Placeholder(IGraphType t) => t switch
    {
        NonNullGraphType n => Placeholder(n.ResolvedType!),
        ListGraphType => "[]",
        IntGraphType => "1",
        BooleanGraphType => "false",
        EnumerationGraphType e => e.Values.First().Name,
        _ => "\"5f00000000000000000000ff\"",
    };
}
