using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Pools;

/// <summary>QUALITY R6: the pool comes from the request, and nothing of one pool is visible from another.</summary>
public sealed class TenancyTests : IDisposable
{
    private readonly GenAuthApp _app = new();
    private readonly GraphQLClient _a;

    public TenancyTests() => _a = _app.CreateGraphQLClient();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task ManagementTokenOfPoolACannotReadAUserOfPoolB()
    {
        var b = await _app.CreatePoolAsync();
        var (userOfB, _) = await _app.CreateGraphQLClient(b.Pool.Id).RegisterAndLoginAsync("b-user@example.com");
        var adminA = await _a.ManagementTokenAsync(_app.Secret);

        var inPoolA = await _a.PostAsync(Ops.User, new { id = userOfB }, adminA);
        var inPoolB = await _a.PostAsync(Ops.User, new { id = userOfB }, adminA,
            new Dictionary<string, string> { ["x-authing-userpool-id"] = b.Pool.Id });

        Assert.Equal(2004, GraphQLClient.ErrorCode(inPoolA));
        Assert.Null(inPoolA["data"]!["user"]);
        Assert.Equal(1010001, GraphQLClient.ErrorCode(inPoolB));
        Assert.Null(inPoolB["data"]!["user"]);
    }

    [Fact]
    public async Task ManagementTokenOfPoolACannotUpdateAUserOfPoolB()
    {
        var b = await _app.CreatePoolAsync();
        var (userOfB, _) = await _app.CreateGraphQLClient(b.Pool.Id).RegisterAndLoginAsync("b-upd@example.com");
        var adminA = await _a.ManagementTokenAsync(_app.Secret);

        var result = await _a.PostAsync(Ops.UpdateUser, new { id = userOfB, input = new { blocked = true } }, adminA);

        Assert.Equal(2004, GraphQLClient.ErrorCode(result));
        var blocked = await _app.QueryDbAsync(db => db.Users.Where(u => u.Id == userOfB).Select(u => u.Blocked).SingleAsync(), b.Pool.Id);
        Assert.False(blocked);
    }

    [Fact]
    public async Task ManagementTokenOfPoolAIsRefusedForPoolB()
    {
        var b = await _app.CreatePoolAsync();
        var adminA = await _a.ManagementTokenAsync(_app.Secret);

        var result = await _a.PostAsync("{ userpool { id } }", token: adminA,
            headers: new Dictionary<string, string> { ["x-authing-userpool-id"] = b.Pool.Id });

        Assert.Equal(2020, GraphQLClient.ErrorCode(result));
        Assert.Null(result["data"]);
    }

    [Fact]
    public async Task UserpoolAnswersTheAdminsOwnPool()
    {
        var b = await _app.CreatePoolAsync("Second");
        var adminB = await _a.ManagementTokenAsync(b.Secret, b.Pool.Id);

        var result = await _app.CreateGraphQLClient(b.Pool.Id).PostAsync("{ userpool { id name } }", token: adminB);

        var pool = GraphQLClient.Success(result, "userpool");
        Assert.Equal(b.Pool.Id, pool["id"]!.GetValue<string>());
        Assert.Equal("Second", pool["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task UserpoolRefusesEndUserTokens()
    {
        var (_, token) = await _a.RegisterAndLoginAsync("enduser@example.com");

        var result = await _a.PostAsync("{ userpool { id secret } }", token: token);

        Assert.Equal(403, GraphQLClient.ErrorCode(result));
        Assert.Null(result["data"]);
    }

    [Fact]
    public async Task UserpoolWithoutTokenReturns2020()
    {
        Assert.Equal(2020, GraphQLClient.ErrorCode(await _a.PostAsync("{ userpool { id } }")));
    }

    [Fact]
    public async Task SameEmailMayRegisterInTwoPoolsAndEachLogsIntoItsOwn()
    {
        var b = await _app.CreatePoolAsync();
        var clientB = _app.CreateGraphQLClient(b.Pool.Id);
        var (idA, _) = await _a.RegisterAndLoginAsync("both@example.com");
        GraphQLClient.Success(await clientB.RegisterByEmailAsync("both@example.com", "Other-Pool-Pass-55"), "registerByEmail");

        var wrongPool = await _a.LoginByEmailAsync("both@example.com", "Other-Pool-Pass-55");
        var loggedIn = GraphQLClient.Success(await _a.LoginByEmailAsync("both@example.com"), "loginByEmail");

        Assert.Equal(2333, GraphQLClient.ErrorCode(wrongPool));
        Assert.Equal(idA, loggedIn["id"]!.GetValue<string>());
        Assert.Equal(_app.UserPoolId, loggedIn["userPoolId"]!.GetValue<string>());
    }

    [Fact]
    public async Task UsersOfAnotherPoolDoNotExistHere()
    {
        var b = await _app.CreatePoolAsync();
        await _app.CreateGraphQLClient(b.Pool.Id).RegisterAndLoginAsync("only-b@example.com");

        var exists = await _a.PostAsync("{ isUserExists(email: \"only-b@example.com\") }");
        var login = await _a.LoginByEmailAsync("only-b@example.com");

        Assert.False(GraphQLClient.Success(exists, "isUserExists").GetValue<bool>());
        Assert.Equal(2333, GraphQLClient.ErrorCode(login));
    }

    [Fact]
    public async Task TokenAloneNamesItsPool()
    {
        var (id, token) = await _a.RegisterAndLoginAsync("token-only@example.com");

        var result = await _a.PostAsync(Ops.User, token: token, headers: new Dictionary<string, string> { ["x-authing-userpool-id"] = "" });

        Assert.Equal(id, GraphQLClient.Success(result, "user")["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task EveryPoolOwnedSetIsFilteredByTheCallersPool()
    {
        var b = await _app.CreatePoolAsync();
        await _a.RegisterAndLoginAsync("rows-a@example.com");
        await _app.CreateGraphQLClient(b.Pool.Id).RegisterAndLoginAsync("rows-b@example.com");

        var seenByA = await _app.QueryDbAsync(async db => new[]
        {
            (await db.Users.Select(r => r.UserPoolId).ToListAsync()),
            (await db.Sessions.Select(r => r.UserPoolId).ToListAsync()),
            (await db.LoginLogs.Select(r => r.UserPoolId).ToListAsync()),
            (await db.Applications.Select(r => r.UserPoolId).ToListAsync()),
            (await db.PoolKeys.Select(r => r.UserPoolId).ToListAsync()),
        });
        var seenWithoutPool = await _app.QueryDbAsync(async db =>
            await db.Users.CountAsync() + await db.Sessions.CountAsync() + await db.LoginLogs.CountAsync()
            + await db.Applications.CountAsync() + await db.PoolKeys.CountAsync(), poolId: "");

        Assert.All(seenByA, rows => Assert.NotEmpty(rows));
        Assert.All(seenByA.SelectMany(rows => rows), poolId => Assert.Equal(_app.UserPoolId, poolId));
        Assert.Equal(0, seenWithoutPool);
    }

    [Fact]
    public async Task UnknownPoolIdReturns2042()
    {
        var unknown = _app.CreateGraphQLClient("5f00000000000000000000ee");

        var result = await unknown.RegisterByEmailAsync("nopool@example.com");

        Assert.Equal(2042, GraphQLClient.ErrorCode(result));
        Assert.Null(result["data"]!["registerByEmail"]);
    }

    [Fact]
    public async Task UnknownAppIdReturns2043()
    {
        var result = await _a.PostAsync("{ checkPasswordStrength(password: \"x\") { valid } }",
            headers: new Dictionary<string, string> { ["x-authing-app-id"] = "5f00000000000000000000dd" });

        Assert.Equal(2043, GraphQLClient.ErrorCode(result));
    }

    [Fact]
    public async Task AppIdHeaderResolvesItsPool()
    {
        var b = await _app.CreatePoolAsync();
        var byApp = new Dictionary<string, string> { ["x-authing-app-id"] = b.App.Id };

        var result = await _a.PostAsync(Ops.RegisterByEmail,
            new { input = new { email = "via-app@example.com", password = GraphQLClient.Password } }, headers: byApp);

        Assert.Equal(b.Pool.Id, GraphQLClient.Success(result, "registerByEmail")["userPoolId"]!.GetValue<string>());
    }

    [Fact]
    public async Task AppIdOfAnotherPoolThanTheHeaderReturns2048()
    {
        var b = await _app.CreatePoolAsync();

        var result = await _a.PostAsync("{ checkPasswordStrength(password: \"x\") { valid } }",
            headers: new Dictionary<string, string> { ["x-authing-app-id"] = b.App.Id, ["x-authing-userpool-id"] = _app.UserPoolId });

        Assert.Equal(2048, GraphQLClient.ErrorCode(result));
    }

    [Fact]
    public async Task WellKnownAnswersEachPoolsOwnKey()
    {
        var b = await _app.CreatePoolAsync();

        var keyA = await Compat.WellKnownTests.PublicKeyAsync(_app, _app.UserPoolId);
        var keyB = await Compat.WellKnownTests.PublicKeyAsync(_app, b.Pool.Id);

        Assert.NotEqual(keyA, keyB);
    }
}
