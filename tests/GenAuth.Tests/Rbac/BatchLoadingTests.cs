using System.Data.Common;
using GenAuth.Core.Data;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Rbac;

/// <summary>QUALITY P5: users listed with their roles, groups and departments cost a constant number of SQL statements.</summary>
public sealed class BatchLoadingTests : IAsyncLifetime
{
    private readonly CommandCounter _counter = new();
    private readonly GenAuthApp _app;
    private RbacClient _admin = null!;

    public BatchLoadingTests() =>
        _app = new GenAuthApp(
            // The listing nests four lists under a list; the default complexity budget is sized for single-user reads.
            settings: new Dictionary<string, string?> { ["GenAuth:GraphQL:MaxComplexity"] = "100000" },
            services: s =>
            {
                // Note: both providers' contexts, so the count is taken under tests/run --postgres too.
                s.ConfigureDbContext<GenAuthDbContext>(b => b.AddInterceptors(_counter));
                s.ConfigureDbContext<PostgresGenAuthDbContext>(b => b.AddInterceptors(_counter));
            });

    public async Task InitializeAsync() => _admin = await RbacClient.CreateAsync(_app);

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private const string Listing = """
        query($code: String!) { group(code: $code) { users(page: 1, limit: 200) { totalCount list {
          id email
          roles { totalCount list { code namespace parent { code } } }
          groups { totalCount list { code name } }
          departments { totalCount list { isMainDepartment department { id name path codePath namePath children } } }
          authorizedResources(namespace: "default") { totalCount list { code type actions apiIdentifier } }
        } } } }
        """;

    [Fact]
    public async Task HundredUsersCostTheSameStatementsAsTen()
    {
        await _admin.AdminAsync(RbacOps.CreateRole, "createRole", new { code = "base" });
        await _admin.AdminAsync(RbacOps.CreateRole, "createRole", new { code = "member", parent = "base" });
        await _admin.AdminAsync(RbacOps.CreateGroup, "createGroup", new { code = "extra", name = "Extra" });
        var org = await _admin.AdminAsync(OrgOps.CreateOrg, "createOrg", new { name = "Corp" });
        var team = await _admin.AdminAsync(OrgOps.AddNodeV2, "addNodeV2", new { orgId = org["id"]!.GetValue<string>(), name = "Team", code = "team" });
        await _admin.AdminAsync(RbacOps.Allow, "allow", new { roleCode = "base", resource = "books:*", action = "books:read" });
        foreach (var (code, size) in new[] { ("small", 10), ("big", 100) })
        {
            var users = await _admin.SeedUsersAsync(size, code);
            await _admin.AdminAsync(RbacOps.CreateGroup, "createGroup", new { code, name = code });
            await _admin.AdminAsync(RbacOps.AddUserToGroup, "addUserToGroup", new { userIds = users, code });
            await _admin.AdminAsync(RbacOps.AddUserToGroup, "addUserToGroup", new { userIds = users, code = "extra" });
            await _admin.AdminAsync(RbacOps.AssignRole, "assignRole", new { roleCode = "member", userIds = users });
            await _admin.AdminAsync(OrgOps.AddMember, "addMember", new { nodeId = team["id"]!.GetValue<string>(), userIds = users });
        }

        var (small, smallStatements) = await CountAsync("small");
        var (big, bigStatements) = await CountAsync("big");

        Assert.Equal(10, small["users"]!["list"]!.AsArray().Count);
        Assert.Equal(100, big["users"]!["list"]!.AsArray().Count);
        var last = big["users"]!["list"]![99]!;
        Assert.Equal("member", last["roles"]!["list"]![0]!["code"]!.GetValue<string>());
        Assert.Equal("base", last["roles"]!["list"]![0]!["parent"]!["code"]!.GetValue<string>());
        Assert.Equal(2, last["groups"]!["totalCount"]!.GetValue<int>());
        Assert.Equal(["Corp", "Team"], last["departments"]!["list"]![0]!["department"]!["namePath"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("books:*", last["authorizedResources"]!["list"]![0]!["code"]!.GetValue<string>());
        Assert.Equal(smallStatements, bigStatements);
        Assert.InRange(bigStatements, 5, 29);
    }

    private async Task<(System.Text.Json.Nodes.JsonNode Group, int Statements)> CountAsync(string code)
    {
        // Warm up once (pool and key caches), then count a second, identical request.
        await _admin.AdminAsync(Listing, "group", new { code });
        _counter.Reset();
        var group = await _admin.AdminAsync(Listing, "group", new { code });
        return (group, _counter.Count);
    }

    private sealed class CommandCounter : DbCommandInterceptor
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Reset() => Interlocked.Exchange(ref _count, 0);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Interlocked.Increment(ref _count);
            return base.ReaderExecuting(command, eventData, result);
        }
    }
}
