using System.Data.Common;
using System.Text.Json.Nodes;
using GenAuth.Core.Data;
using GenAuth.Core.Pipelines;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Management;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Pipelines;

/// <summary>Pipeline functions in the one sign-in pipeline and in registration, their admin API, env and the custom database.</summary>
public sealed class PipelineTests : ManagementTestBase
{
    // Seed 003, verbatim (the email-domain check and the custom id-token claim).
    public const string DomainCheck = """
        async function pipe(user, context, callback) {
        const { email } = context.request.body;
        // Non-email registration method
        if (!email) {
        return callback(null, user, context);
        }
        if (!email.endsWith("example.com")) {
        return callback(new Error("Access denied."));
        }
        return callback(null, user, context);
        }
        """;

    public const string AddToken = """
        async function pipe(user, context, callback) {
        user.addToken('KEY', 'VALUE')
        callback(null, user, context)
        }
        """;

    private const string Create = "mutation($input: CreateFunctionInput!) { createFunction(input: $input) { id name trigger order enabled timeout } }";
    private const string Update = "mutation($input: UpdateFunctionInput!) { updateFunction(input: $input) { id enabled } }";
    private const string Settings = """
        mutation($input: PipelineSettingsInput!) { updatePipelineSettings(input: $input) { customDatabaseEnabled fetchAllowList } }
        """;

    private async Task<string> CreateFunctionAsync(string source, string trigger = PipelineTriggers.PostAuthentication, int? order = null,
        string? name = null)
    {
        var result = await AdminAsync(Create, new { input = new { name = name ?? "f-" + Guid.NewGuid().ToString("N")[..8], sourceCode = source, trigger, order } });
        return GraphQLClient.Success(result, "createFunction")["id"]!.GetValue<string>();
    }

    private async Task<string> LoginTokenAsync(string email) =>
        GraphQLClient.Success(await Client.LoginByEmailAsync(email), "loginByEmail")["token"]!.GetValue<string>();

    [Fact]
    public async Task TheSeedsDomainCheckRefusesRegistrationsOutsideTheDomain()
    {
        await CreateFunctionAsync(DomainCheck, PipelineTriggers.PreRegister);

        var refused = await Client.RegisterByEmailAsync("someone@elsewhere.org");
        Assert.Equal(2962, GraphQLClient.ErrorCode(refused));
        Assert.Contains("Access denied.", GraphQLClient.ErrorMessage(refused));
        Assert.Equal(0, await App.QueryDbAsync(db => db.Users.CountAsync(u => u.Email == "someone@elsewhere.org")));

        GraphQLClient.Success(await Client.RegisterByEmailAsync("someone@example.com"), "registerByEmail");
        // A registration without an email passes the seed's function untouched.
        GraphQLClient.Success(await Client.PostAsync(Ops.RegisterByUsername,
            new { input = new { username = "no-mail-user", password = GraphQLClient.Password } }), "registerByUsername");
    }

    [Fact]
    public async Task TheSeedsAddTokenPutsTheClaimInTheIdTokenAndItsRefresh()
    {
        await Client.RegisterByEmailAsync("claims@example.com");
        Assert.False(Jwt.Payload(await LoginTokenAsync("claims@example.com")).ContainsKey("KEY"));

        await CreateFunctionAsync(AddToken);
        var token = await LoginTokenAsync("claims@example.com");
        Assert.Equal("VALUE", Jwt.Payload(token)["KEY"]!.GetValue<string>());

        var refreshed = await Client.PostAsync("mutation { refreshToken { token } }", null, token);
        var next = GraphQLClient.Success(refreshed, "refreshToken")["token"]!.GetValue<string>();
        Assert.Equal("VALUE", Jwt.Payload(next)["KEY"]!.GetValue<string>());
    }

    [Fact]
    public async Task FunctionsRunInOrderPassingContextAndReservedClaimsAreRefused()
    {
        await Client.RegisterByEmailAsync("chain@example.com");
        // Created second, ordered first.
        await CreateFunctionAsync("async function pipe(user, context, callback) { user.addToken('chain', context.seen + 'b'); user.addToken('sub', 'evil'); callback(null, user, context); }", order: 2);
        await CreateFunctionAsync("async function pipe(user, context, callback) { context.seen = 'a'; callback(null, user, context); }", order: 1);

        var payload = Jwt.Payload(await LoginTokenAsync("chain@example.com"));
        Assert.Equal("ab", payload["chain"]!.GetValue<string>());
        Assert.NotEqual("evil", payload["sub"]!.GetValue<string>());
    }

    [Fact]
    public async Task ACallbackErrorRefusesTheSignInWithItsMessageAndADisabledFunctionDoesNotRun()
    {
        await Client.RegisterByEmailAsync("refused@example.com");
        var id = await CreateFunctionAsync("async function pipe(user, context, callback) { callback(new Error('Not today.')); }");

        var refused = await Client.LoginByEmailAsync("refused@example.com");
        Assert.Equal(2962, GraphQLClient.ErrorCode(refused));
        Assert.Contains("Not today.", GraphQLClient.ErrorMessage(refused));

        GraphQLClient.Success(await AdminAsync(Update, new { input = new { id, enabled = false } }), "updateFunction");
        await LoginTokenAsync("refused@example.com");
    }

    [Fact]
    public async Task ChangesToCustomDataAndGroupsAreSavedWithTheSession()
    {
        var (userId, _) = await Client.RegisterAndLoginAsync("changes@example.com");
        GraphQLClient.Success(await AdminAsync("mutation { setUdf(targetType: USER, key: \"tier\", dataType: STRING, label: \"Tier\") { key } }"), "setUdf");
        GraphQLClient.Success(await AdminAsync("mutation { createGroup(code: \"vip\", name: \"VIP\") { code } }"), "createGroup");
        await CreateFunctionAsync("""
            async function pipe(user, context, callback) {
              user.customData.tier = 'gold';
              user.groups.push('vip');
              user.groups.push('no-such-group');
              callback(null, user, context);
            }
            """);

        await LoginTokenAsync("changes@example.com");

        Assert.Equal("gold", await App.QueryDbAsync(db => db.CustomFieldValues.Where(v => v.TargetId == userId && v.Key == "tier")
            .Select(v => v.Value).SingleAsync()));
        Assert.Equal(1, await App.QueryDbAsync(db => db.GroupMembers.CountAsync(m => m.UserId == userId)));
    }

    [Theory]
    [InlineData("while (true) {}")]
    [InlineData("const big = 'x'.repeat(1024 * 1024 * 1024); callback(null, user, context);")]
    [InlineData("const all = []; while (true) { all.push('y'.repeat(100000)); }")]
    [InlineData("const fs = require('fs'); callback(null, user, context);")]
    public async Task AFailingFunctionFailsClosedBeforeRegistrationAndIsOnlyLoggedAfterAuthentication(string body)
    {
        var source = "async function pipe(user, context, callback) {\n" + body + "\n}";
        await Client.RegisterByEmailAsync("healthy@example.com");
        var pre = await CreateFunctionAsync(source, PipelineTriggers.PreRegister);
        await CreateFunctionAsync(source, PipelineTriggers.PostAuthentication);
        await AdminAsync(Update, new { input = new { id = pre, enabled = true, timeout = 300 } });

        var refused = await Client.RegisterByEmailAsync("blocked-by-failure@example.com");
        Assert.Equal(2963, GraphQLClient.ErrorCode(refused));
        Assert.Equal(0, await App.QueryDbAsync(db => db.Users.CountAsync(u => u.Email == "blocked-by-failure@example.com")));

        // POST_AUTHENTICATION failures are logged: sign-ins keep working, one after the other.
        for (var i = 0; i < 2; i++)
            await LoginTokenAsync("healthy@example.com");
    }

    [Fact]
    public async Task FunctionInputIsValidated()
    {
        var syntax = await AdminAsync(Create, new { input = new { name = "bad", sourceCode = "async function pipe( {" } });
        Assert.Equal(2961, GraphQLClient.ErrorCode(syntax));
        var noPipe = await AdminAsync(Create, new { input = new { name = "bad", sourceCode = "function other() {}" } });
        Assert.Equal(2961, GraphQLClient.ErrorCode(noPipe));
        var timeout = await AdminAsync(Create, new { input = new { name = "bad", sourceCode = AddToken, timeout = 600_000 } });
        Assert.Equal(2961, GraphQLClient.ErrorCode(timeout));
        var missing = await AdminAsync("mutation { deleteFunction(id: \"nope\") { code } }");
        Assert.Equal(2960, GraphQLClient.ErrorCode(missing));
        var anonymous = await Client.PostAsync(Create, new { input = new { name = "x", sourceCode = AddToken } });
        Assert.NotNull(anonymous["errors"]);
        Assert.Equal(0, await App.QueryDbAsync(db => db.Set<PipelineFunction>().CountAsync()));
    }

    [Fact]
    public async Task EnvValuesAreSealedAtRestAndReadByFunctions()
    {
        var added = await RestAsync(HttpMethod.Post, "/api/v2/env", new { key = "LARK_WEBHOOK", value = "https://hooks.example/very-secret" }, Admin);
        Assert.Equal(200, added["code"]!.GetValue<int>());
        Assert.Equal("https://hooks.example/very-secret", added["data"]![0]!["value"]!.GetValue<string>());
        var raw = await App.QueryDbAsync(db => db.Set<PipelineEnvVar>().Select(e => e.SealedValue).SingleAsync());
        Assert.DoesNotContain("very-secret", System.Text.Encoding.UTF8.GetString(raw));

        await Client.RegisterByEmailAsync("env@example.com");
        await CreateFunctionAsync("async function pipe(user, context, callback) { user.addToken('hook', env.LARK_WEBHOOK); callback(null, user, context); }");
        Assert.Equal("https://hooks.example/very-secret", Jwt.Payload(await LoginTokenAsync("env@example.com"))["hook"]!.GetValue<string>());

        var bad = await RestAsync(HttpMethod.Post, "/api/v2/env", new { key = "has space", value = "x" }, Admin);
        Assert.Equal(2964, bad["code"]!.GetValue<int>());
        var user = await RestAsync(HttpMethod.Get, "/api/v2/env", token: await LoginTokenAsync("env@example.com"));
        Assert.NotEqual(200, user["code"]!.GetValue<int>());
        var removed = await RestAsync(HttpMethod.Delete, "/api/v2/env/LARK_WEBHOOK", token: Admin);
        Assert.Empty(removed["data"]!.AsArray());
        Assert.False(Jwt.Payload(await LoginTokenAsync("env@example.com")).ContainsKey("hook"));
    }

    private const string LegacyLogin = """
        async function login(identifier, password) {
          if (identifier === 'legacy@example.com' && password === 'Legacy-Horse-77') {
            return { email: identifier, nickname: 'From the old database', emailVerified: true };
          }
          return null;
        }
        """;

    [Fact]
    public async Task CustomDatabaseMigratesAnUnknownAccountOnceThenSignsItInLocally()
    {
        GraphQLClient.Success(await AdminAsync(Settings, new { input = new { customDatabaseEnabled = true, customDatabaseLoginScript = LegacyLogin } }),
            "updatePipelineSettings");

        var wrong = await Client.LoginByEmailAsync("legacy@example.com", "Not-The-Password-1");
        Assert.Equal(2333, GraphQLClient.ErrorCode(wrong));
        Assert.Equal(0, await App.QueryDbAsync(db => db.Users.CountAsync(u => u.Email == "legacy@example.com")));

        var first = GraphQLClient.Success(await Client.LoginByEmailAsync("legacy@example.com", "Legacy-Horse-77"), "loginByEmail");
        var migrated = await App.QueryDbAsync(db => db.Users.SingleAsync(u => u.Email == "legacy@example.com"));
        Assert.Equal(CustomDatabase.RegisterSource, migrated.RegisterSource);
        Assert.Equal("From the old database", migrated.Nickname);
        Assert.StartsWith("$argon2id$", migrated.PasswordHash);
        Assert.Equal(migrated.Id, first["id"]!.GetValue<string>());

        // The script now fails on every call: the second sign-in never asks it (the account is local).
        GraphQLClient.Success(await AdminAsync(Settings, new { input = new
        {
            customDatabaseLoginScript = "async function login(identifier, password) { throw new Error('the old database is gone'); }",
        } }), "updatePipelineSettings");
        GraphQLClient.Success(await Client.LoginByEmailAsync("legacy@example.com", "Legacy-Horse-77"), "loginByEmail");
        Assert.Equal(2333, GraphQLClient.ErrorCode(await Client.LoginByEmailAsync("legacy@example.com", "Wrong-Horse-77")));
        Assert.Equal(1, await App.QueryDbAsync(db => db.Users.CountAsync(u => u.Email == "legacy@example.com")));
    }

    [Fact]
    public async Task CustomDatabaseGetUserKeepsWaitingAccountsFromBeingRegistered()
    {
        GraphQLClient.Success(await AdminAsync(Settings, new
        {
            input = new
            {
                customDatabaseEnabled = true, customDatabaseLoginScript = LegacyLogin,
                customDatabaseGetUserScript = "async function getUser(identifier) { return identifier === 'waiting@example.com' ? { email: identifier } : null; }",
            },
        }), "updatePipelineSettings");

        Assert.Equal(2026, GraphQLClient.ErrorCode(await Client.RegisterByEmailAsync("waiting@example.com")));
        GraphQLClient.Success(await Client.RegisterByEmailAsync("fresh@example.com"), "registerByEmail");
    }
}

/// <summary>A pool without functions pays nothing: its (empty) pipeline list is cached, so sign-ins make no query for it.</summary>
public sealed class PipelineCacheTests : IAsyncLifetime
{
    private readonly PipelineQueryCounter _counter = new();
    private readonly GenAuthApp _app;
    private GraphQLClient _client = null!;
    private string _admin = "";

    public PipelineCacheTests() =>
        _app = new GenAuthApp(services: s =>
            {
                // Note: both providers' contexts, so the count is taken under tests/run --postgres too.
                s.ConfigureDbContext<GenAuthDbContext>(b => b.AddInterceptors(_counter));
                s.ConfigureDbContext<PostgresGenAuthDbContext>(b => b.AddInterceptors(_counter));
            });

    public async Task InitializeAsync()
    {
        _client = _app.CreateGraphQLClient();
        _admin = await _client.ManagementTokenAsync(_app.Secret);
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task SignInsQueryThePipelineTablesOncePerChangeNotPerSignIn()
    {
        await _client.RegisterAndLoginAsync("cache@example.com");
        _counter.Reset();
        for (var i = 0; i < 3; i++)
            GraphQLClient.Success(await _client.LoginByEmailAsync("cache@example.com"), "loginByEmail");
        Assert.Equal(0, _counter.Count);

        // A new function is seen at once on this instance (the cache is forgotten), then cached again.
        GraphQLClient.Success(await _client.PostAsync("mutation($input: CreateFunctionInput!) { createFunction(input: $input) { id } }",
            new { input = new { name = "noop", sourceCode = "async function pipe(user, context, callback) { user.addToken('n', 1); callback(null, user, context); }" } },
            _admin), "createFunction");
        _counter.Reset();
        var token = GraphQLClient.Success(await _client.LoginByEmailAsync("cache@example.com"), "loginByEmail")["token"]!.GetValue<string>();
        Assert.Equal(1, Jwt.Payload(token)["n"]!.GetValue<int>());
        var afterChange = _counter.Count;
        Assert.True(afterChange > 0);
        GraphQLClient.Success(await _client.LoginByEmailAsync("cache@example.com"), "loginByEmail");
        Assert.Equal(afterChange, _counter.Count);
    }

    private sealed class PipelineQueryCounter : DbCommandInterceptor
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Reset() => Interlocked.Exchange(ref _count, 0);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("pipeline_", StringComparison.Ordinal))
                Interlocked.Increment(ref _count);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
