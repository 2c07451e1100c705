using System.Data.Common;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GenAuth.Core.Data;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Oidc;

/// <summary>
/// A code exchange writes once: the app session's extension, the code's redemption and the issueToken event go in one
/// transaction (the redemption's SaveChanges), not as statements of their own — each extra SQLite write serialized
/// exchanges behind the one writer (issue 11, P7). Single use of the code is unchanged: a replay is invalid_grant.
/// </summary>
public sealed class OidcExchangeWriteTests : IAsyncLifetime
{
    private readonly WriteRecorder _writes = new();
    private readonly OidcHost _host;

    public OidcExchangeWriteTests() =>
        _host = new OidcHost(services: s =>
            {
                // Note: both providers' contexts, so the count is taken under tests/run --postgres too.
                s.ConfigureDbContext<GenAuthDbContext>(b => b.AddInterceptors(_writes));
                s.ConfigureDbContext<PostgresGenAuthDbContext>(b => b.AddInterceptors(_writes));
            });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_code_exchange_extends_the_session_redeems_the_code_and_logs_in_one_transaction_and_a_replay_still_fails()
    {
        var (id, secret) = await _host.CreateClientAsync();
        var email = $"u{Guid.NewGuid():N}@example.com";
        await _host.RegisterAsync(email);
        var browser = await _host.SignedInBrowserAsync(email, id);
        var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var (_, callback) = await browser.FollowAsync(
            $"/oidc/auth?client_id={id}&response_type=code&scope=openid%20email&redirect_uri={Uri.EscapeDataString(OidcHost.Callback)}" +
            $"&code_challenge={challenge}&code_challenge_method=S256&state=s1");
        var code = Browser.Query(callback)["code"];

        _writes.Start();
        using var exchanged = await ExchangeAsync(id, secret!, code, verifier);
        var writes = _writes.Stop();
        var body = JsonNode.Parse(await exchanged.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, exchanged.StatusCode);
        Assert.NotNull(body["id_token"]);

        Assert.Contains(writes, w => w.Sql.Contains("UPDATE sessions ", StringComparison.Ordinal));
        Assert.Contains(writes, w => w.Sql.Contains("UPDATE OpenIddictTokens ", StringComparison.Ordinal));
        Assert.Contains(writes, w => w.Sql.Contains("INSERT INTO audit_events ", StringComparison.Ordinal));
        // Every write of the exchange ran inside one and the same transaction.
        Assert.All(writes, w => Assert.NotNull(w.Transaction));
        Assert.Single(writes.Select(w => w.Transaction).Distinct());

        // The session now outlives the refresh lifetime (30 days by default).
        var sid = Jwt.Payload(body["id_token"]!.GetValue<string>())["sid"]!.GetValue<string>();
        var expires = await _host.App.QueryDbAsync(db => db.Sessions.IgnoreQueryFilters().Where(s => s.Id == sid).Select(s => s.ExpiresAt).SingleAsync());
        Assert.True(expires > DateTime.UtcNow.AddDays(30), $"session expires {expires:O}");

        // A replayed code is refused as before.
        using var replay = await ExchangeAsync(id, secret!, code, verifier);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Equal("invalid_grant", JsonNode.Parse(await replay.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_code_exchange_reads_its_session_once_and_a_revoked_session_still_fails_the_exchange()
    {
        var (id, secret) = await _host.CreateClientAsync();
        var email = $"u{Guid.NewGuid():N}@example.com";
        await _host.RegisterAsync(email);
        var browser = await _host.SignedInBrowserAsync(email, id);
        var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        async Task<string> CodeAsync(string state)
        {
            var (_, callback) = await browser.FollowAsync(
                $"/oidc/auth?client_id={id}&response_type=code&scope=openid%20email&redirect_uri={Uri.EscapeDataString(OidcHost.Callback)}" +
                $"&code_challenge={challenge}&code_challenge_method=S256&state={state}");
            return Browser.Query(callback)["code"];
        }

        var code = await CodeAsync("s1");
        _writes.Start();
        using var exchanged = await ExchangeAsync(id, secret!, code, verifier);
        var reads = _writes.StopReads();
        Assert.Equal(HttpStatusCode.OK, exchanged.StatusCode);
        // SessionCheckHandler's read (tracked) is the one the extension uses: one SELECT on sessions, not two.
        Assert.Single(reads, r => r.Contains("FROM sessions ", StringComparison.Ordinal));

        // The session of a second code revoked before its exchange: invalid_grant, nothing issued.
        var second = await CodeAsync("s2");
        await _host.App.QueryDbAsync(db => db.Sessions.IgnoreQueryFilters().Where(s => s.RevokedAt == null && s.AppId == id)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, DateTime.UtcNow)));
        using var refused = await ExchangeAsync(id, secret!, second, verifier);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("invalid_grant", JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }

    private async Task<HttpResponseMessage> ExchangeAsync(string id, string secret, string code, string verifier)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oidc/token")
        {
            Content = new FormUrlEncodedContent([
                new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", OidcHost.Callback), new("code_verifier", verifier)]),
        };
        request.Headers.Authorization = Basic.Of(id, secret);
        return await _host.Gql.Http.SendAsync(request);
    }

    /// <summary>The write statements (INSERT/UPDATE/DELETE) on the OIDC exchange's tables while armed, with their transaction.</summary>
    private sealed class WriteRecorder : DbCommandInterceptor
    {
        private readonly List<(string Sql, DbTransaction? Transaction)> _writes = [];
        private volatile bool _armed;

        public void Start()
        {
            lock (_writes)
            {
                _writes.Clear();
                _reads.Clear();
            }
            _armed = true;
        }

        public List<(string Sql, DbTransaction? Transaction)> Stop()
        {
            _armed = false;
            lock (_writes)
                return [.. _writes];
        }

        private readonly List<string> _reads = [];

        /// <summary>Stops recording and returns the read statements (SELECT) seen while armed.</summary>
        public List<string> StopReads()
        {
            _armed = false;
            lock (_writes)
                return [.. _reads];
        }

        private void Record(DbCommand command)
        {
            if (!_armed)
                return;
            // Note: identifiers without their quotes: PostgreSQL's SQL leaves lower-case names unquoted, SQLite's quotes all.
            var sql = command.CommandText.Replace("\"", "", StringComparison.Ordinal);
            if (sql.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
                lock (_writes)
                    _reads.Add(sql);
            var write = sql.Contains("UPDATE ", StringComparison.Ordinal) || sql.Contains("INSERT ", StringComparison.Ordinal)
                        || sql.Contains("DELETE ", StringComparison.Ordinal);
            var ours = sql.Contains(" sessions", StringComparison.Ordinal) || sql.Contains(" OpenIddictTokens", StringComparison.Ordinal)
                       || sql.Contains(" audit_events", StringComparison.Ordinal);
            if (write && ours)
                lock (_writes)
                    _writes.Add((sql, command.Transaction));
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Record(command);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Record(command);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Record(command);
            return base.ReaderExecuting(command, eventData, result);
        }

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            Record(command);
            return base.NonQueryExecuting(command, eventData, result);
        }
    }
}
