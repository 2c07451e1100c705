using System.Text;
using System.Text.Json.Nodes;
using GenAuth.GraphQL.Common;
using GenAuth.Tests.Infrastructure;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Management;

/// <summary>
/// QUALITY R6, driven by the live schema: every root field declares who may call it (FieldAccess metadata), and every
/// field declared admin-only refuses another pool's management token, an end-user token and no token. A new field is
/// covered the moment it is added; one that declares nothing fails the first test.
/// </summary>
public sealed class AdminFieldAccessTests : IDisposable
{
    private static readonly string[] Levels = [FieldAccess.Admin, FieldAccess.AdminOrSelf, FieldAccess.User, FieldAccess.Public];
    private readonly GenAuthApp _app = new();
    private readonly GraphQLClient _client;

    public AdminFieldAccessTests() => _client = _app.CreateGraphQLClient();

    public void Dispose() => _app.Dispose();

    [Fact]
    public void EveryRootQueryAndMutationFieldDeclaresWhoMayCallIt()
    {
        var undeclared = RootFields().Where(f => !Levels.Contains(f.Field.AccessOf())).Select(f => $"{f.Operation} {f.Field.Name}").ToList();

        Assert.True(undeclared.Count == 0,
            "Declare access with .AdminOnly(), .AdminOrSelfAccess(), .UserAccess() or .PublicAccess() on: " + string.Join(", ", undeclared));
    }

    [Fact]
    public void TheSchemaHasAdminFieldsToCheck()
    {
        Assert.Contains(RootFields(), f => f.Field.AccessOf() == FieldAccess.Admin && f.Field.Name == "users");
        Assert.Contains(RootFields(), f => f.Field.AccessOf() == FieldAccess.Admin && f.Field.Name == "setUdf");
    }

    [Fact]
    public async Task EveryAdminFieldRefusesAnotherPoolsManagementTokenAnEndUserTokenAndNoToken()
    {
        var b = await _app.CreatePoolAsync();
        var adminOfB = await _client.ManagementTokenAsync(b.Secret, b.Pool.Id);
        var (_, endUser) = await _client.RegisterAndLoginAsync("access-check@example.com");
        var failures = new List<string>();

        foreach (var (operation, field) in RootFields().Where(f => f.Field.AccessOf() == FieldAccess.Admin))
        {
            var document = DocumentFor(operation, field);
            foreach (var (who, token, codes) in new[]
                     {
                         ("another pool's management token", adminOfB, new[] { 2020, 1010001 }),
                         ("an end-user token", endUser, new[] { 403 }),
                         ("no token", (string?)null, new[] { 2020 }),
                     })
            {
                var result = await _client.PostAsync(document, token: token);
                var code = result["errors"]?[0]?["extensions"]?["code"]?.GetValue<int>();
                var data = result["data"]?[field.Name];
                if (code is null || !codes.Contains(code.Value) || data is not null)
                    failures.Add($"{field.Name} with {who}: {result.ToJsonString()}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task AdminOrSelfFieldsRefuseAnotherPoolsManagementToken()
    {
        var b = await _app.CreatePoolAsync();
        var adminOfB = await _client.ManagementTokenAsync(b.Secret, b.Pool.Id);
        var failures = new List<string>();

        foreach (var (operation, field) in RootFields().Where(f => f.Field.AccessOf() == FieldAccess.AdminOrSelf))
        {
            var result = await _client.PostAsync(DocumentFor(operation, field), token: adminOfB);
            var code = result["errors"]?[0]?["extensions"]?["code"]?.GetValue<int>();
            if (code is not (2020 or 1010001 or 403) || result["data"]?[field.Name] is not null)
                failures.Add($"{field.Name}: {result.ToJsonString()}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private List<(string Operation, IFieldType Field)> RootFields()
    {
        var schema = _app.Services.GetRequiredService<GenAuthSchema>();
        schema.Initialize();
        return schema.Query.Fields.Select(f => ("query", (IFieldType)f))
            .Concat(schema.Mutation!.Fields.Select(f => ("mutation", (IFieldType)f))).ToList();
    }

    /// <summary>A valid document calling the field with every required argument filled in and a __typename selection.</summary>
    private static string DocumentFor(string operation, IFieldType field)
    {
        var args = field.Arguments?.Where(a => a.ResolvedType is NonNullGraphType).Select(a => $"{a.Name}: {Value(a.ResolvedType!)}").ToList() ?? [];
        var call = args.Count == 0 ? field.Name : $"{field.Name}({string.Join(", ", args)})";
        return $"{operation} {{ {call}{Selection(field.ResolvedType!)} }}";
    }

    private static string Selection(IGraphType type) => type switch
    {
        NonNullGraphType n => Selection(n.ResolvedType!),
        ListGraphType l => Selection(l.ResolvedType!),
        IComplexGraphType or IAbstractGraphType => " { __typename }",
        _ => "",
    };

    private static string Value(IGraphType type) => type switch
    {
        NonNullGraphType n => Value(n.ResolvedType!),
        ListGraphType l => $"[{Value(l.ResolvedType!)}]",
        EnumerationGraphType e => e.Values.First().Name,
        IntGraphType => "1",
        FloatGraphType => "1.5",
        BooleanGraphType => "false",
        IInputObjectGraphType input => "{ " + string.Join(", ", input.Fields.Where(f => f.ResolvedType is NonNullGraphType)
            .Select(f => $"{f.Name}: {Value(f.ResolvedType!)}")) + " }",
        _ => "\"5f0000000000000000000c01\"",
    };
}
