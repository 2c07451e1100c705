using System.Diagnostics;
using System.Text.Json;
using GenAuth.Core;
using GenAuth.Core.Callers;
using GenAuth.Core.Data;
using GenAuth.Core.SignIn;
using GenAuth.Core.Tokens;
using GenAuth.GraphQL;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Transport;
using GraphQL.Types;
using GraphQLParser;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.LoadTest;

/// <summary>
/// --profile: the pieces of one P2 request timed in-process, one thread, no HTTP, against the same data directory
/// (the server is idle meanwhile). Built like GenAuth.Server builds its services (AddGenAuthCore + AddGenAuthGraphQL);
/// GraphQLExecutor's parse cache is reproduced by passing the parsed document, as it does.
/// </summary>
public static class Profiler
{
    private const string UserQuery = "query { user { id email } }";

    public static async Task RunAsync(string dataDir, string poolId, string[] tokens, int iterations, Report report)
    {
        Program.Log($"profile: {iterations} iterations per step, one thread, in-process");
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GenAuth:DataDirectory"] = dataDir,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(config);
        services.AddLogging();
        services.AddGenAuthCore();
        services.AddGenAuthGraphQL();
        await using var sp = services.BuildServiceProvider();

        var resolver = sp.GetRequiredService<CallerResolver>();
        var executer = sp.GetRequiredService<IDocumentExecuter>();
        var schema = sp.GetRequiredService<GenAuthSchema>();
        var serializer = sp.GetRequiredService<IGraphQLTextSerializer>();
        var graphqlSerializer = sp.GetRequiredService<IGraphQLSerializer>();
        var document = Parser.Parse(UserQuery, new ParserOptions { Ignore = IgnoreOptions.Comments, MaxDepth = 128 });
        var typename = Parser.Parse("{ __typename }");
        var body = JsonSerializer.SerializeToUtf8Bytes(new { query = UserQuery });
        var ct = CancellationToken.None;
        var connectionString = DatabaseSetup.SqliteConnectionString(new GenAuthOptions { DataDirectory = dataDir });
        long n = 0;
        string Token() => tokens[n++ % tokens.Length];

        async Task<(AsyncServiceScope Scope, GenAuthDbContext Db, CallerContext Caller)> Resolved()
        {
            var scope = sp.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
            var caller = scope.ServiceProvider.GetRequiredService<CallerContext>();
            await resolver.ResolveAsync(db, caller, new CallerHeaders(poolId, null, Token(), null, "127.0.0.1", null), ct);
            if (caller.Kind != PrincipalKind.User)
                throw new InvalidOperationException("token not accepted in-process");
            return (scope, db, caller);
        }

        ExecutionOptions Options(IServiceProvider requestServices, ISchema s, bool skipCoreValidation) => new()
        {
            Schema = s,
            Query = UserQuery,
            Document = document,
            RequestServices = requestServices,
            CancellationToken = ct,
            ValidationRules = skipCoreValidation ? [] : null,
        };

        var constantSchema = ConstantSchema();
        const string Password = "Bench-Passw0rd-2026!";
        var phc = ArgonBaseline.HashLikeServer(Password);
        var efOptions = new DbContextOptionsBuilder<GenAuthDbContext>().UseSqlite(connectionString).Options;
        var pooled = new Microsoft.EntityFrameworkCore.Infrastructure.PooledDbContextFactory<GenAuthDbContext>(efOptions);
        var compiled = EF.CompileAsyncQuery((GenAuthDbContext db, string id) => db.Users.AsNoTracking().FirstOrDefault(u => u.Id == id && !u.IsDeleted));
        System.Security.Cryptography.RSA rsa;
        string[] userIds;
        await using (var keyScope = sp.CreateAsyncScope())
        {
            var kid = Jose.JWT.Headers(tokens[0])["kid"].ToString()!;
            userIds = tokens.Select(t => JsonDocument.Parse(Jose.JWT.Payload(t)).RootElement.GetProperty("sub").GetString()!).ToArray();
            rsa = (await sp.GetRequiredService<GenAuth.Core.Pools.KeyRing>().FindAsync(keyScope.ServiceProvider.GetRequiredService<GenAuthDbContext>(), kid, ct))!.Rsa;
        }
        ExecutionResult sampleResult;
        {
            var (scope, _, _) = await Resolved();
            sampleResult = await executer.ExecuteAsync(Options(scope.ServiceProvider, schema, false));
            await scope.DisposeAsync();
        }

        var steps = new List<(string Name, string Note, Func<Task> Body)>
        {
            ("P1H: raw Argon2id verify (Geralt), one thread", "the P1 baseline's unit of work", () =>
            {
                if (!Geralt.Argon2id.VerifyHash(phc, System.Text.Encoding.UTF8.GetBytes(Password)))
                    throw new InvalidOperationException();
                return Task.CompletedTask;
            }),
            ("P1H: raw Argon2id verify inside Task.Run (a thread-pool thread)", "", async () =>
            {
                if (!await Task.Run(() => Geralt.Argon2id.VerifyHash(phc, System.Text.Encoding.UTF8.GetBytes(Password))))
                    throw new InvalidOperationException();
            }),
            ("P1H: PasswordHasher.VerifyAsync (GenAuth's bounded executor)", "semaphore + Task.Run + the same verify", async () =>
            {
                if (!await sp.GetRequiredService<GenAuth.Core.Security.PasswordHasher>().VerifyAsync(phc, Password, ct))
                    throw new InvalidOperationException();
            }),
            ("P1H: full login via PasswordSignInService.LoginAsync (PasswordHasher verify included), one thread", "the server's work for loginByEmail minus HTTP and GraphQL", async () =>
            {
                await using var scope = sp.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
                var caller = scope.ServiceProvider.GetRequiredService<CallerContext>();
                await resolver.ResolveAsync(db, caller, new CallerHeaders(poolId, null, null, null, "127.0.0.1", "bench"), ct);
                var view = await scope.ServiceProvider.GetRequiredService<GenAuth.Core.SignIn.PasswordSignInService>()
                    .LoginAsync(GenAuth.Core.SignIn.LoginMethod.Email, Program.Email((int)(n++ % tokens.Length)), Password, ct)
                    .RequireSignedIn();
                if (view.Token is null)
                    throw new InvalidOperationException();
            }),
            ("P1: login minus the hash: find user by email + SignInService.SignInAsync", "tracked read, SaveChanges (user, session, login log; SQLite WAL commit), RS256 sign", async () =>
            {
                await using var scope = sp.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
                var caller = scope.ServiceProvider.GetRequiredService<CallerContext>();
                await resolver.ResolveAsync(db, caller, new CallerHeaders(poolId, null, null, null, "127.0.0.1", "bench"), ct);
                var email = Program.Email((int)(n++ % tokens.Length));
                var user = await db.Users.Where(u => !u.IsDeleted).FirstOrDefaultAsync(u => u.EmailNormalized == email, ct) ?? throw new InvalidOperationException();
                var view = await scope.ServiceProvider.GetRequiredService<GenAuth.Core.SignIn.SignInService>()
                    .SignInAsync(GenAuth.Core.SignIn.SignInRequest.Of(user, "password:email"), ct).RequireSignedIn();
                if (view.Token is null)
                    throw new InvalidOperationException();
            }),
            ("P1:   same, with PRAGMA synchronous=NORMAL on the connection", "WAL + NORMAL: no fsync per commit; still safe against process crashes (kill -9), not power loss", async () =>
            {
                await using var scope = sp.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
                await db.Database.OpenConnectionAsync(ct);
                await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=NORMAL;", ct);
                var caller = scope.ServiceProvider.GetRequiredService<CallerContext>();
                await resolver.ResolveAsync(db, caller, new CallerHeaders(poolId, null, null, null, "127.0.0.1", "bench"), ct);
                var email = Program.Email((int)(n++ % tokens.Length));
                var user = await db.Users.Where(u => !u.IsDeleted).FirstOrDefaultAsync(u => u.EmailNormalized == email, ct) ?? throw new InvalidOperationException();
                var view = await scope.ServiceProvider.GetRequiredService<GenAuth.Core.SignIn.SignInService>()
                    .SignInAsync(GenAuth.Core.SignIn.SignInRequest.Of(user, "password:email"), ct).RequireSignedIn();
                if (view.Token is null)
                    throw new InvalidOperationException();
            }),
            ("P1:   login DB writes without the token: tracked read, counters, session + login log, SaveChanges", "SignInService's session step, replayed with Core's SessionService", async () =>
            {
                await using var scope = sp.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
                db.PoolId = poolId;
                var sessions = scope.ServiceProvider.GetRequiredService<GenAuth.Core.Sessions.SessionService>();
                var email = Program.Email((int)(n++ % tokens.Length));
                var user = await db.Users.Where(u => !u.IsDeleted).FirstOrDefaultAsync(u => u.EmailNormalized == email, ct) ?? throw new InvalidOperationException();
                user.LoginsCount++;
                user.LastLogin = DateTime.UtcNow;
                user.LastIp = "127.0.0.1";
                sessions.Create(db, poolId, user.Id, null, DateTime.UtcNow.AddDays(1), "127.0.0.1", "bench");
                sessions.LogLogin(db, poolId, user.Id, null, "password:email", null, "127.0.0.1", "bench");
                await db.SaveChangesAsync(ct);
            }),
            ("P1:   find user by email (tracked) alone", "the read part of the above", async () =>
            {
                await using var scope = sp.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
                db.PoolId = poolId;
                var email = Program.Email((int)(n++ % tokens.Length));
                _ = await db.Users.Where(u => !u.IsDeleted).FirstOrDefaultAsync(u => u.EmailNormalized == email, ct) ?? throw new InvalidOperationException();
            }),
            ("P1:   RS256 sign alone (jose-jwt JWT.Encode, RSA-2048 private key)", "one per login", () =>
            {
                _ = Jose.JWT.Encode(new Dictionary<string, object> { ["sub"] = "x", ["exp"] = 1 }, rsa, Jose.JwsAlgorithm.RS256);
                return Task.CompletedTask;
            }),
            ("DI scope + resolve GenAuthDbContext, no query", "AddDbContext's options lambda runs per scope (IOptions, Directory.CreateDirectory, UseSqlite)", async () =>
            {
                await using var scope = sp.CreateAsyncScope();
                _ = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
            }),
            ("DI scope + CallerResolver with the pool header only (no token)", "what every /graphql/v2 request pays before executing", async () =>
            {
                await using var scope = sp.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
                var caller = scope.ServiceProvider.GetRequiredService<CallerContext>();
                await resolver.ResolveAsync(db, caller, new CallerHeaders(poolId, null, null, null, "127.0.0.1", null), ct);
            }),
            ("DI scope + DbContext + CallerResolver (token check)", "pool and session answers cached (IMemoryCache), RS256 verify, key cached", async () =>
            {
                var (scope, _, _) = await Resolved();
                await scope.DisposeAsync();
            }),
            ("  RS256 verify alone (TokenService.VerifyAsync)", "jose-jwt: headers parse, RSA verify, payload JSON", async () =>
            {
                await using var scope = sp.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
                if (await sp.GetRequiredService<GenAuth.Core.Tokens.TokenService>().VerifyAsync(db, Token(), ct) is null)
                    throw new InvalidOperationException("verify failed");
            }),
            ("    jose-jwt JWT.Headers alone", "header parse, done before the key lookup", () =>
            {
                _ = Jose.JWT.Headers(Token());
                return Task.CompletedTask;
            }),
            ("    RSA-2048 PKCS#1 SHA-256 verify alone (.NET)", "the floor of any RS256 check", () =>
            {
                var t = Token();
                var dot = t.LastIndexOf('.');
                var signature = Base64UrlDecode(t[(dot + 1)..]);
                if (!rsa.VerifyData(System.Text.Encoding.ASCII.GetBytes(t[..dot]), signature, System.Security.Cryptography.HashAlgorithmName.SHA256,
                        System.Security.Cryptography.RSASignaturePadding.Pkcs1))
                    throw new InvalidOperationException("bad signature");
                return Task.CompletedTask;
            }),
            ("DI scope + DbContext + EF user read by id, no token check", "EF alone: context per request, options, query cache, SQLite", async () =>
            {
                await using var scope = sp.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
                db.PoolId = poolId;
                var id = userIds[(int)(n++ % userIds.Length)];
                _ = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id && !u.IsDeleted, ct) ?? throw new InvalidOperationException();
            }),
            ("  same, DbContext on singleton options (new GenAuthDbContext(options))", "options built once instead of per scope", async () =>
            {
                await using var db = new GenAuthDbContext(efOptions) { PoolId = poolId };
                var id = userIds[(int)(n++ % userIds.Length)];
                _ = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id && !u.IsDeleted, ct) ?? throw new InvalidOperationException();
            }),
            ("  same, pooled DbContext (PooledDbContextFactory)", "AddDbContextPool / AddPooledDbContextFactory", async () =>
            {
                await using var db = await pooled.CreateDbContextAsync(ct);
                db.PoolId = poolId;
                var id = userIds[(int)(n++ % userIds.Length)];
                _ = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id && !u.IsDeleted, ct) ?? throw new InvalidOperationException();
            }),
            ("  same, pooled DbContext + compiled query (EF.CompileAsyncQuery)", "skips the LINQ expression walk and query-cache lookup", async () =>
            {
                await using var db = await pooled.CreateDbContextAsync(ct);
                db.PoolId = poolId;
                _ = await compiled(db, userIds[(int)(n++ % userIds.Length)]) ?? throw new InvalidOperationException();
            }),
            ("user read, EF Core, whole row (as AccountService)", "after the token check; the P2 baseline's read", async () =>
            {
                var (scope, db, caller) = await Resolved();
                var id = caller.UserId;
                _ = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id && !u.IsDeleted, ct) ?? throw new InvalidOperationException();
                await scope.DisposeAsync();
            }),
            ("user read, EF Core, projection to (id, email)", "after the token check", async () =>
            {
                var (scope, db, caller) = await Resolved();
                var id = caller.UserId;
                _ = await db.Users.AsNoTracking().Where(u => u.Id == id && !u.IsDeleted).Select(u => new { u.Id, u.Email }).FirstOrDefaultAsync(ct)
                    ?? throw new InvalidOperationException();
                await scope.DisposeAsync();
            }),
            ("raw SQLite read of (id, email), pooled connection", "no token check; floor of the DB read", async () =>
            {
                await using var c = new SqliteConnection(connectionString);
                await c.OpenAsync(ct);
                await using var cmd = c.CreateCommand();
                cmd.CommandText = "SELECT \"Id\", \"Email\" FROM \"Users\" WHERE \"Email\" = $e LIMIT 1";
                cmd.Parameters.AddWithValue("$e", Program.Email((int)(n++ % tokens.Length)));
                await using var r = await cmd.ExecuteReaderAsync(ct);
                if (!await r.ReadAsync(ct))
                    throw new InvalidOperationException();
            }),
            ("token check + AccountService.GetUserAsync (the resolver's work, no GraphQL)", "", async () =>
            {
                var (scope, _, _) = await Resolved();
                _ = await scope.ServiceProvider.GetRequiredService<GenAuth.Core.Users.AccountService>().GetUserAsync(null, ct);
                await scope.DisposeAsync();
            }),
            ("GenAuth schema: { __typename }, no caller, + serialize", "GraphQL.NET on GenAuth's schema, no resolver work", async () =>
            {
                await using var scope = sp.CreateAsyncScope();
                var result = await executer.ExecuteAsync(new ExecutionOptions
                {
                    Schema = schema, Query = "{ __typename }", Document = typename, RequestServices = scope.ServiceProvider, CancellationToken = ct,
                });
                if (!serializer.Serialize(result).Contains("\"Query\""))
                    throw new InvalidOperationException();
            }),
            ("GraphQL: token check + execute { user { id email } } + serialize", "what /graphql/v2 does after reading the body (document from the parse cache)", async () =>
            {
                var (scope, _, _) = await Resolved();
                var result = await executer.ExecuteAsync(Options(scope.ServiceProvider, schema, false));
                Check(serializer.Serialize(result));
                await scope.DisposeAsync();
            }),
            ("  same, core validation rules skipped", "what a validated-document cache would give (complexity rule still runs)", async () =>
            {
                var (scope, _, _) = await Resolved();
                var result = await executer.ExecuteAsync(Options(scope.ServiceProvider, schema, true));
                Check(serializer.Serialize(result));
                await scope.DisposeAsync();
            }),
            ("GraphQL.NET alone: constant resolver, same query", "bare schema, no DI scope, no DB, default validation", async () =>
            {
                var result = await executer.ExecuteAsync(Options(sp, constantSchema, false));
                Check(serializer.Serialize(result));
            }),
            ("  same, core validation rules skipped", "", async () =>
            {
                var result = await executer.ExecuteAsync(Options(sp, constantSchema, true));
                Check(serializer.Serialize(result));
            }),
            ("transport as GraphQLHttpEndpoint: 16 KB chunk + MemoryStream + ToArray, JsonDocument + ReadNode, Accept parse", "per request, before execution", async () =>
            {
                var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
                http.Request.Body = new MemoryStream(body, false);
                http.Request.Headers.Accept = "*/*";
                using var buffer = new MemoryStream();
                var chunk = new byte[16 * 1024];
                int read;
                while ((read = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
                    buffer.Write(chunk, 0, read);
                using var doc = JsonDocument.Parse(buffer.ToArray());
                _ = graphqlSerializer.ReadNode<GraphQLRequest>(doc.RootElement) ?? throw new InvalidOperationException();
                _ = Microsoft.AspNetCore.Http.HeaderDictionaryTypeExtensions.GetTypedHeaders(http.Request).Accept.Any(a => a.MediaType.Equals("application/graphql-response+json", StringComparison.OrdinalIgnoreCase));
            }),
            ("  result: IGraphQLTextSerializer.Serialize to string + UTF-8 encode (as ResultWriter + WriteAsync)", "", () =>
            {
                _ = System.Text.Encoding.UTF8.GetBytes(serializer.Serialize(sampleResult));
                return Task.CompletedTask;
            }),
            ("  result: IGraphQLSerializer.WriteAsync straight to the body stream", "the lean alternative", async () =>
            {
                await graphqlSerializer.WriteAsync(Stream.Null, sampleResult, ct);
            }),
            ("request body: JsonDocument + ReadNode<GraphQLRequest>", "GraphQLHttpEndpoint.ReadPostAsync's parse", () =>
            {
                using var doc = JsonDocument.Parse(body);
                _ = graphqlSerializer.ReadNode<GraphQLRequest>(doc.RootElement) ?? throw new InvalidOperationException();
                return Task.CompletedTask;
            }),
            ("baseline answer: JsonSerializer of { data: { user: { id, email } } }", "", () =>
            {
                _ = JsonSerializer.SerializeToUtf8Bytes(new { data = new { user = new { id = "6b0495a5ae57bbb57872ae0a", email = "user0000@bench.test" } } });
                return Task.CompletedTask;
            }),
        };

        report.SetProfileHeader($"In-process cost of the P2 pieces (`--profile`, one thread, {iterations} calls per step ({Math.Max(20, iterations / 20)} for the P1 rows, {Math.Max(8, iterations / 100)} for those with a hash) after a quarter as many warm-up calls, second of two passes; CPU time of this process per call (all threads, GC included; robust to other load on the machine), wall time and bytes allocated per call; compare rows, not runs):");
        // Two passes: the first lets tiered JIT and EF's query cache settle; the second is reported.
        for (var pass = 1; pass <= 2; pass++)
        foreach (var (name, note, step) in steps)
        {
            var calls = name.StartsWith("P1H") ? Math.Max(8, iterations / 100) : name.StartsWith("P1") ? Math.Max(20, iterations / 20) : iterations;
            for (var i = 0; i < calls / 4; i++)
                await step();
            var process = Process.GetCurrentProcess();
            var cpu0 = process.TotalProcessorTime;
            var sys0 = process.PrivilegedProcessorTime;
            var bytes0 = GC.GetTotalAllocatedBytes();
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++)
                await step();
            var wall = sw.Elapsed.TotalMicroseconds / calls;
            var allocated = (GC.GetTotalAllocatedBytes() - bytes0) / calls;
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpu0).TotalMicroseconds / calls;
            var sys = (process.PrivilegedProcessorTime - sys0).TotalMicroseconds / calls;
            Program.Log($"  pass {pass}: {cpu,8:F1} µs CPU ({sys,7:F1} kernel) {wall,8:F1} µs wall {allocated / 1024.0,7:F1} KB  {name}");
            if (pass == 2)
                report.AddProfile(name, cpu, sys, wall, allocated, note);
        }
    }

    private static byte[] Base64UrlDecode(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }

    private static void Check(string json)
    {
        if (!json.Contains("\"email\":\"user") || json.Contains("\"errors\""))
            throw new InvalidOperationException("unexpected GraphQL answer: " + json);
    }

    private sealed record ConstantUser(string Id, string Email);

    private static Schema ConstantSchema()
    {
        var user = new ObjectGraphType<ConstantUser> { Name = "User" };
        user.Field<NonNullGraphType<StringGraphType>>("id").Resolve(c => c.Source.Id);
        user.Field<StringGraphType>("email").Resolve(c => c.Source.Email);
        var query = new ObjectGraphType { Name = "Query" };
        var value = new ConstantUser("6b0495a5ae57bbb57872ae0a", "user0000@bench.test");
        query.Field("user", user).Resolve(_ => value);
        var schema = new Schema { Query = query };
        schema.Initialize();
        return schema;
    }
}
