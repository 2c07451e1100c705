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
/// What one authorization-code exchange asks of the database (issue 11, P7): one connection for the whole request, the
/// code read once with its authorization (no statement of the authorization's own), and the app-access decision in one
/// statement when the app has no authorization records. Single use, PKCE and the replay's revocation of everything issued
/// from the code are unchanged — on both database providers.
/// </summary>
public sealed class OidcExchangeStatementTests
{
    public static TheoryData<string> Providers => new() { "Sqlite", "Postgres" };

    [Fact]
    public async Task A_code_exchange_uses_one_connection_reads_the_code_once_and_decides_app_access_in_one_statement()
    {
        var recorder = new Recorder();
        await using var host = new OidcHost(
            services: s => s.ConfigureDbContext<GenAuthDbContext>(b => b.AddInterceptors(recorder)),
            settings: new Dictionary<string, string?> { ["GenAuth:Database:Provider"] = "Sqlite" });
        var (id, secret, code, verifier) = await CodeAsync(host);

        recorder.Start();
        using var exchanged = await ExchangeAsync(host, id, secret, code, verifier);
        var (opens, statements) = recorder.Stop();
        Assert.Equal(HttpStatusCode.OK, exchanged.StatusCode);

        Assert.Equal(1, opens);
        Assert.Single(statements, s => s.Contains("FROM \"OpenIddictTokens\"", StringComparison.Ordinal));
        Assert.DoesNotContain(statements, s => s.TrimStart().StartsWith("SELECT", StringComparison.Ordinal)
                                               && s.Contains("FROM \"OpenIddictAuthorizations\" AS", StringComparison.Ordinal)
                                               && !s.Contains("\"OpenIddictTokens\"", StringComparison.Ordinal));
        var access = Assert.Single(statements, s => s.Contains("\"app_access_rules\"", StringComparison.Ordinal));
        Assert.Contains("\"app_authorizations\"", access, StringComparison.Ordinal);
        Assert.DoesNotContain(statements, s => s.Contains("\"app_authorizations\"", StringComparison.Ordinal) && s != access);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_replayed_code_fails_and_revokes_the_access_token_issued_from_it(string provider)
    {
        await using var host = new OidcHost(settings: new Dictionary<string, string?> { ["GenAuth:Database:Provider"] = provider });
        var (id, secret, code, verifier) = await CodeAsync(host);

        // PKCE still holds: a wrong verifier is invalid_grant, refused before the code is redeemed.
        using (var wrong = await ExchangeAsync(host, id, secret, code, verifier + "x"))
            Assert.Equal("invalid_grant", await ErrorAsync(wrong));

        using var exchanged = await ExchangeAsync(host, id, secret, code, verifier);
        Assert.Equal(HttpStatusCode.OK, exchanged.StatusCode);
        var access = JsonNode.Parse(await exchanged.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
        Assert.True(await ActiveAsync(host, id, secret, access));

        using var replay = await ExchangeAsync(host, id, secret, code, verifier);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Equal("invalid_grant", await ErrorAsync(replay));
        // RFC 6749 §4.1.2: the replay revokes the tokens issued from the code.
        Assert.False(await ActiveAsync(host, id, secret, access));
    }

    private static async Task<(string Id, string Secret, string Code, string Verifier)> CodeAsync(OidcHost host)
    {
        var (id, secret) = await host.CreateClientAsync();
        var email = $"u{Guid.NewGuid():N}@example.com";
        await host.RegisterAsync(email);
        var browser = await host.SignedInBrowserAsync(email, id);
        var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var (_, callback) = await browser.FollowAsync(
            $"/oidc/auth?client_id={id}&response_type=code&scope=openid%20email&redirect_uri={Uri.EscapeDataString(OidcHost.Callback)}" +
            $"&code_challenge={challenge}&code_challenge_method=S256&state=s1");
        return (id, secret!, Browser.Query(callback)["code"], verifier);
    }

    private static async Task<HttpResponseMessage> ExchangeAsync(OidcHost host, string id, string secret, string code, string verifier)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oidc/token")
        {
            Content = new FormUrlEncodedContent([
                new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", OidcHost.Callback), new("code_verifier", verifier)]),
        };
        request.Headers.Authorization = Basic.Of(id, secret);
        return await host.Gql.Http.SendAsync(request);
    }

    private static async Task<bool> ActiveAsync(OidcHost host, string id, string secret, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oidc/token/introspection")
        {
            Content = new FormUrlEncodedContent([new("token", token)]),
        };
        request.Headers.Authorization = Basic.Of(id, secret);
        using var response = await host.Gql.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["active"]!.GetValue<bool>();
    }

    private static async Task<string> ErrorAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>();

    /// <summary>
    /// Statements while armed, and the connection opens of the context that read the code: the request's own (background
    /// writers — the audit group commit, the webhook worker — run on contexts of their own and don't count).
    /// </summary>
    private sealed class Recorder : DbCommandInterceptor, IDbConnectionInterceptor
    {
        private readonly List<string> _statements = [];
        private readonly Dictionary<DbContext, int> _opens = new(ReferenceEqualityComparer.Instance);
        private DbContext? _tokenReader;
        private volatile bool _armed;

        public void Start()
        {
            lock (_statements)
            {
                _statements.Clear();
                _opens.Clear();
                _tokenReader = null;
            }
            _armed = true;
        }

        public (int Opens, List<string> Statements) Stop()
        {
            _armed = false;
            lock (_statements)
                return (_tokenReader is not null && _opens.TryGetValue(_tokenReader, out var n) ? n : -1, [.. _statements]);
        }

        private void Record(DbCommand command, CommandEventData eventData)
        {
            if (!_armed)
                return;
            lock (_statements)
            {
                _statements.Add(command.CommandText);
                if (_tokenReader is null && eventData.Context is { } context
                    && command.CommandText.Contains("FROM \"OpenIddictTokens\"", StringComparison.Ordinal))
                    _tokenReader = context;
            }
        }

        public void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            if (_armed && eventData.Context is { } context)
                lock (_statements)
                    _opens[context] = _opens.GetValueOrDefault(context) + 1;
        }

        public Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            ConnectionOpened(connection, eventData);
            return Task.CompletedTask;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Record(command, eventData);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Record(command, eventData);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Record(command, eventData);
            return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
