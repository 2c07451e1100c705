using GenAuth.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Rbac;

/// <summary>
/// Policy conditions evaluated against the injected clock (time windows, moved by hand), user attributes, and the pool
/// boundary of policies (another pool's admin sees none of them). The SDK-level tests are tests/sdk-compat/policies.test.mjs.
/// </summary>
public sealed class PolicyConditionTests : IAsyncLifetime
{
    private const string CreatePolicy = "mutation($code: String!, $statements: [PolicyStatementInput!]!) { createPolicy(code: $code, statements: $statements) { code } }";
    private const string Assign = "mutation($policies: [String!]!, $targetType: PolicyAssignmentTargetType!, $targetIdentifiers: [String!]) { addPolicyAssignments(policies: $policies, targetType: $targetType, targetIdentifiers: $targetIdentifiers) { code } }";
    private const string Policy = "query($code: String!) { policy(code: $code) { code description } }";
    private const string UpdatePolicy = "mutation($code: String!, $description: String) { updatePolicy(code: $code, description: $description) { code } }";
    private const string Policies = "query { policies(limit: 200) { totalCount list { code } } }";

    // 2030-01-01 08:00 UTC, a Tuesday.
    private readonly TestClock _clock = new(new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly GenAuthApp _app;
    private RbacClient _admin = null!;

    public PolicyConditionTests() => _app = new GenAuthApp(services: s => s.AddSingleton<TimeProvider>(_clock));

    public async Task InitializeAsync() => _admin = await RbacClient.CreateAsync(_app);

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Moves the clock; the admin's management token expires with it, so a fresh one is taken.</summary>
    private async Task Advance(TimeSpan by)
    {
        _clock.Advance(by);
        _admin = await RbacClient.CreateAsync(_app);
    }

    private async Task<bool> Allowed(string userId, string resource, string action) =>
        (await _admin.AdminAsync(RbacOps.IsActionAllowed, "isActionAllowed", new { resource, action, userId })).GetValue<bool>();

    private async Task PolicyFor(string userId, string code, object statement)
    {
        await _admin.AdminAsync(CreatePolicy, "createPolicy", new { code, statements = new[] { statement } });
        await _admin.AdminAsync(Assign, "addPolicyAssignments", new { policies = new[] { code }, targetType = "USER", targetIdentifiers = new[] { userId } });
    }

    [Fact]
    public async Task DailyTimeWindowFollowsTheClock()
    {
        var user = (await _admin.SeedUsersAsync(1))[0];
        await PolicyFor(user, "office-hours", new
        {
            resource = "payroll", actions = new[] { "read" }, effect = "ALLOW",
            condition = new[] { new { param = "time", @operator = "BETWEEN", value = "09:00,18:00" } },
        });

        Assert.False(await Allowed(user, "payroll", "read")); // 08:00
        await Advance(TimeSpan.FromHours(2)); // 10:00
        Assert.True(await Allowed(user, "payroll", "read"));
        await Advance(TimeSpan.FromHours(8)); // 18:00: the end is excluded
        Assert.False(await Allowed(user, "payroll", "read"));
    }

    [Fact]
    public async Task DenyAfterAnInstantStartsWhenTheClockPassesIt()
    {
        var user = (await _admin.SeedUsersAsync(1))[0];
        await PolicyFor(user, "contract", new { resource = "repo:*", actions = new[] { "*" }, effect = "ALLOW" });
        await PolicyFor(user, "contract-end", new
        {
            resource = "repo:*", actions = new[] { "push" }, effect = "DENY",
            condition = new[] { new { param = "time", @operator = "AFTER", value = "2030-01-02T00:00:00Z" } },
        });

        Assert.True(await Allowed(user, "repo:web", "push"));
        await Advance(TimeSpan.FromDays(1));
        Assert.False(await Allowed(user, "repo:web", "push"));
        Assert.True(await Allowed(user, "repo:web", "pull"));
    }

    [Fact]
    public async Task UserAttributeConditionTestsTheUserAskedAbout()
    {
        var users = await _admin.SeedUsersAsync(2, "attr");
        await PolicyFor(users[0], "attr-policy", new
        {
            resource = "wiki", actions = new[] { "edit" }, effect = "ALLOW",
            condition = new[] { new { param = "user.id", @operator = "EQUAL", value = users[0] } },
        });
        await _admin.AdminAsync(Assign, "addPolicyAssignments", new { policies = new[] { "attr-policy" }, targetType = "USER", targetIdentifiers = new[] { users[1] } });

        Assert.True(await Allowed(users[0], "wiki", "edit"));
        Assert.False(await Allowed(users[1], "wiki", "edit"));
    }

    [Fact]
    public async Task MalformedConditionIsRefusedWithNothingWritten()
    {
        var code = await _admin.AdminErrorAsync(CreatePolicy, new
        {
            code = "broken",
            statements = new[] { new { resource = "x", actions = new[] { "y" }, effect = "ALLOW", condition = new[] { new { param = "time", @operator = "BETWEEN", value = "noon,later" } } } },
        });
        Assert.Equal(400, code);
        Assert.Equal(2545, await _admin.AdminErrorAsync(Policy, new { code = "broken" }));
    }

    [Fact]
    public async Task AnotherPoolsAdminCannotReadOrChangeThePolicies()
    {
        await _admin.AdminAsync(CreatePolicy, "createPolicy", new { code = "ours", statements = new[] { new { resource = "a", actions = new[] { "b" } } } });
        var other = await _app.CreatePoolAsync();
        var client = _app.CreateGraphQLClient(other.Pool.Id);
        var token = await client.ManagementTokenAsync(other.Secret, other.Pool.Id);

        Assert.Equal(2545, GraphQLClient.ErrorCode(await client.PostAsync(Policy, new { code = "ours" }, token)));
        Assert.Equal(2545, GraphQLClient.ErrorCode(await client.PostAsync(UpdatePolicy, new { code = "ours", description = "pwned" }, token)));
        var theirs = GraphQLClient.Success(await client.PostAsync(Policies, null, token), "policies");
        Assert.Equal(0, theirs["totalCount"]!.GetValue<int>());
        // Still ours, unchanged.
        var ours = await _admin.AdminAsync(Policy, "policy", new { code = "ours" });
        Assert.Null(ours["description"]);
    }
}
