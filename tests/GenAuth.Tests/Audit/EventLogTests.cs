using System.Text.Json.Nodes;
using GenAuth.Core.Audit;
using GenAuth.Core.Callers;
using GenAuth.Core.Data;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Management;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Audit;

/// <summary>The event log: each action writes its event once, with the change; refused or rolled-back changes write none.</summary>
public sealed class EventLogTests : ManagementTestBase
{
    private Task<List<AuditEvent>> EventsAsync(string? userId = null, string? type = null, string? poolId = null) =>
        App.QueryDbAsync(db => db.AuditEvents.AsNoTracking()
            .Where(e => (userId == null || e.UserId == userId) && (type == null || e.Type == type))
            .OrderBy(e => e.Id).ToListAsync(), poolId);

    [Fact]
    public async Task RegistrationAndLoginsWriteOneEventEach()
    {
        var (id, _) = await Client.RegisterAndLoginAsync("ev-login@example.com");
        Assert.NotNull((await Client.LoginByEmailAsync("ev-login@example.com", "Wrong-Password-1"))["errors"]);

        var events = await EventsAsync(id);
        Assert.Single(events, e => e.Type == AuditEventTypes.Register);
        var login = Assert.Single(events, e => e.Type == AuditEventTypes.Login && e.Outcome == AuditOutcomes.Success);
        Assert.Equal("user", login.ActorKind);
        Assert.Equal(id, login.ActorId);
        Assert.Equal("password:email", AuditViews.DetailString(login.Detail, "method"));
        Assert.False(string.IsNullOrEmpty(login.Ip));
        var failed = Assert.Single(events, e => e.Type == AuditEventTypes.Login && e.Outcome == AuditOutcomes.Failure);
        Assert.Equal(2333, failed.ErrorCode);
        Assert.DoesNotContain("Wrong-Password-1", failed.Detail ?? "");
        Assert.Equal(3, events.Count);
    }

    [Fact]
    public async Task ARefusedPasswordChangeWritesNothingAndARightOneWritesOnce()
    {
        var (id, token) = await Client.RegisterAndLoginAsync("ev-pw@example.com");
        const string change = "mutation($n: String!, $o: String) { updatePassword(newPassword: $n, oldPassword: $o) { id } }";

        var refused = await Client.PostAsync(change, new { n = "Another-Horse-92", o = "Not-The-Old-One-1" }, token);
        Assert.NotNull(refused["errors"]);
        Assert.Empty(await EventsAsync(id, AuditEventTypes.UpdatePassword));

        GraphQLClient.Success(await Client.PostAsync(change, new { n = "Another-Horse-92", o = GraphQLClient.Password }, token), "updatePassword");
        var written = Assert.Single(await EventsAsync(id, AuditEventTypes.UpdatePassword));
        Assert.DoesNotContain("Horse", written.Detail ?? "");

        GraphQLClient.Success(await Client.PostAsync(Ops.Logout, null, token), "logout");
        Assert.Single(await EventsAsync(id, AuditEventTypes.Logout));
    }

    [Fact]
    public async Task AnEventRecordedInARolledBackTransactionIsNotWritten()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var caller = scope.ServiceProvider.GetRequiredService<CallerContext>();
        var db = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
        caller.Pool = await db.UserPools.FirstAsync(p => p.Id == App.UserPoolId);
        db.PoolId = App.UserPoolId;
        var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();

        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            audit.Record("rolledBackProbe", "u-rollback");
            await db.SaveChangesAsync();
            await tx.RollbackAsync();
        }
        // Note: EF keeps rolled-back rows tracked as saved; a real request's scope ends with its failure.
        db.ChangeTracker.Clear();
        Assert.Empty(await EventsAsync("u-rollback"));

        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            audit.Record("committedProbe", "u-commit");
            await db.SaveChangesAsync();
            await tx.CommitAsync();
        }
        Assert.Single(await EventsAsync("u-commit"));
    }

    [Fact]
    public async Task AdminMutationsRecordActorTargetAndFieldNamesNeverValues()
    {
        var id = await CreateUserAsync(new { email = "ev-admin@example.com", password = GraphQLClient.Password });
        GraphQLClient.Success(await AdminAsync(Ops.UpdateUser, new { id, input = new { nickname = "SecretNick", blocked = true } }), "updateUser");

        var created = Assert.Single(await EventsAsync(id, AuditEventTypes.CreateUser));
        Assert.Equal("admin", created.ActorKind);
        Assert.StartsWith("token:", created.ActorId);
        Assert.DoesNotContain(GraphQLClient.Password, created.Detail!);
        Assert.Contains("\"password\"", created.Detail!);

        var blocked = Assert.Single(await EventsAsync(id, AuditEventTypes.BlockUser));
        Assert.Contains("\"nickname\"", blocked.Detail!);
        Assert.Contains("\"blocked\"", blocked.Detail!);
        Assert.DoesNotContain("SecretNick", blocked.Detail!);

        // Refused: the same email again. No event for it.
        var dup = await AdminAsync("mutation($u: CreateUserInput!) { createUser(userInfo: $u) { id } }",
            new { u = new { email = "ev-admin@example.com", password = GraphQLClient.Password } });
        Assert.NotNull(dup["errors"]);
        Assert.Single(await EventsAsync(type: AuditEventTypes.CreateUser), e => e.Outcome == AuditOutcomes.Success);
    }

    [Fact]
    public async Task AuditLogsPagesByKeysetNewestFirstAndFilters()
    {
        var (id, _) = await Client.RegisterAndLoginAsync("ev-page@example.com");
        for (var i = 0; i < 3; i++)
            GraphQLClient.Success(await Client.LoginByEmailAsync("ev-page@example.com"), "loginByEmail");
        const string query = """
            query($f: AuditLogFilter, $first: Int, $after: String) {
              auditLogs(filter: $f, first: $first, after: $after) { items { id type userId outcome } endCursor hasNextPage }
            }
            """;
        var seen = new List<long>();
        string? after = null;
        while (true)
        {
            var page = GraphQLClient.Success(await AdminAsync(query, new { f = new { userId = id, types = new[] { "login" } }, first = 2, after }),
                "auditLogs");
            foreach (var item in page["items"]!.AsArray())
            {
                Assert.Equal("login", item!["type"]!.GetValue<string>());
                seen.Add(long.Parse(item["id"]!.GetValue<string>()));
            }
            if (!page["hasNextPage"]!.GetValue<bool>())
                break;
            after = page["endCursor"]!.GetValue<string>();
        }
        Assert.Equal(4, seen.Count);
        Assert.Equal(seen.OrderDescending(), seen);

        var bad = await AdminAsync(query, new { after = "not-an-id" });
        Assert.Equal(400, GraphQLClient.ErrorCode(bad));
    }

    [Fact]
    public async Task AnotherPoolsAdminAndEndUsersSeeNothing()
    {
        var (id, token) = await Client.RegisterAndLoginAsync("ev-tenant@example.com");
        var other = await App.CreatePoolAsync("Tenant B");
        var otherClient = App.CreateGraphQLClient(other.Pool.Id);
        var otherAdmin = await otherClient.ManagementTokenAsync(other.Secret);
        const string query = "query($f: AuditLogFilter) { auditLogs(filter: $f, first: 200) { items { id userId } } }";

        var theirs = GraphQLClient.Success(await otherClient.PostAsync(query, null, otherAdmin), "auditLogs");
        Assert.DoesNotContain(theirs["items"]!.AsArray(), i => i!["userId"]?.GetValue<string>() == id);
        // Pool A's admin token under pool B's header is refused, and an end user can't read the log.
        Assert.NotNull((await otherClient.PostAsync(query, null, Admin))["errors"]);
        Assert.Equal(403, GraphQLClient.ErrorCode(await Client.PostAsync(query, null, token)));
        var mine = GraphQLClient.Success(await AdminAsync(query, new { f = new { userId = id } }), "auditLogs");
        Assert.NotEmpty(mine["items"]!.AsArray());
    }

    [Fact]
    public async Task TheSweeperDeletesOnlyWhatIsPastEachPoolsRetention()
    {
        var other = await App.CreatePoolAsync("Retention B");
        Assert.Equal(1, GraphQLClient.Success(await AdminAsync("mutation { setAuditLogRetention(days: 1) }"), "setAuditLogRetention")
            .GetValue<int>());
        Assert.Equal(400, GraphQLClient.ErrorCode(await AdminAsync("mutation { setAuditLogRetention(days: 0) }")));
        var old = DateTime.UtcNow.AddDays(-2);
        await App.QueryDbAsync(async db =>
        {
            db.AuditEvents.Add(Probe(App.UserPoolId, "old-a", old));
            db.AuditEvents.Add(Probe(App.UserPoolId, "new-a", DateTime.UtcNow));
            db.AuditEvents.Add(Probe(other.Pool.Id, "old-b", old));
            return await db.SaveChangesAsync();
        });

        await App.Services.GetRequiredService<AuditSweeper>().SweepAsync(CancellationToken.None);

        Assert.Empty(await EventsAsync("old-a"));
        Assert.Single(await EventsAsync("new-a"));
        Assert.Single(await EventsAsync("old-b", poolId: other.Pool.Id));
    }

    internal static AuditEvent Probe(string poolId, string userId, DateTime at) => new()
    {
        UserPoolId = poolId, UserId = userId, CreatedAt = at, Type = "probe", ActorKind = AuditActors.System, Outcome = AuditOutcomes.Success,
    };

    [Fact]
    public async Task AnalysisPathsAnswerGenAuthsShapesForAdminsOnly()
    {
        var (id, token) = await Client.RegisterAndLoginAsync("ev-rest@example.com");
        await CreateUserAsync(new { email = "ev-rest2@example.com" });

        var actions = await RestAsync(HttpMethod.Get, "/api/v2/analysis/user-action?eventType=login&userId=" + id, token: Admin);
        Assert.Equal(200, actions["code"]!.GetValue<int>());
        var item = Assert.Single(actions["data"]!["list"]!.AsArray())!;
        Assert.Equal("login", item["eventType"]!.GetValue<string>());
        Assert.Equal("login", item["operation_name"]!.GetValue<string>());
        Assert.Equal($"arn:cn:authing:{App.UserPoolId}:user:{id}", item["operator_arn"]!.GetValue<string>());
        Assert.Equal("ev-rest@example.com", item["userName"]!.GetValue<string>());
        Assert.Equal(1, actions["data"]!["totalCount"]!.GetValue<int>());

        var byArn = await RestAsync(HttpMethod.Get, $"/api/v2/analysis/user-action?operation_name=register&operator_arn=arn:cn:authing:{App.UserPoolId}:user:{id}",
            token: Admin);
        Assert.Equal(1, byArn["data"]!["totalCount"]!.GetValue<int>());

        var audit = await RestAsync(HttpMethod.Get, "/api/v2/analysis/audit?limit=50", token: Admin);
        var list = audit["data"]!["list"]!.AsArray();
        Assert.Contains(list, i => i!["eventType"]!.GetValue<string>() == "createUser");
        Assert.DoesNotContain(list, i => i!["eventType"]!.GetValue<string>() == "login");

        // The test client names no app: its logins count under no app filter, and none under the default app.
        var count = await RestAsync(HttpMethod.Get, "/api/v2/analysis/total-login-count", token: Admin);
        Assert.Equal(1, count["data"]!["totalCount"]!.GetValue<int>());
        var inApp = await RestAsync(HttpMethod.Get, "/api/v2/analysis/total-login-count?appId=" + App.AppId, token: Admin);
        Assert.Equal(0, inApp["data"]!["totalCount"]!.GetValue<int>());

        var refused = await RestAsync(HttpMethod.Get, "/api/v2/analysis/audit", token: token);
        Assert.Equal(403, refused["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task AdminRestChangesAreRecordedOnceAndReadsAreNot()
    {
        var refreshed = await RestAsync(HttpMethod.Patch, $"/api/v2/application/{App.AppId}/refresh-secret", token: Admin);
        Assert.Equal(200, refreshed["code"]!.GetValue<int>());
        Assert.Equal(200, (await RestAsync(HttpMethod.Get, "/api/v2/applications", token: Admin))["code"]!.GetValue<int>());

        var events = await EventsAsync();
        var rotated = Assert.Single(events, e => e.Type == AuditEventTypes.RefreshSecret);
        Assert.Equal("id:" + App.AppId, rotated.Target);
        Assert.Equal("admin", rotated.ActorKind);
        Assert.DoesNotContain(events, e => e.Type.StartsWith("rest:GET", StringComparison.Ordinal));
        Assert.DoesNotContain(refreshed["data"]?["secret"]?.GetValue<string>() ?? "no secret in the answer", rotated.Detail ?? "");
    }
}
