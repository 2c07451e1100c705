using GenAuth.Core.Audit;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Oidc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GenAuth.Tests.Audit;

/// <summary>The group-commit writer behind the client-credentials issueToken event: exactly once, durable on return, drained on stop.</summary>
public sealed class AuditAppenderTests : IAsyncLifetime
{
    private readonly OidcHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private AuditEvent Event(string type, string? marker = null) => new()
    {
        UserPoolId = _host.App.UserPoolId,
        CreatedAt = DateTime.UtcNow,
        Type = type,
        ActorKind = AuditActors.System,
        Outcome = AuditOutcomes.Success,
        Target = marker,
    };

    private Task<int> CountAsync(string type) =>
        _host.App.QueryDbAsync(db => db.AuditEvents.AsNoTracking().CountAsync(e => e.Type == type));

    [Fact]
    public async Task ConcurrentClientCredentialsTokensEachWriteExactlyOneEventBeforeTheAnswer()
    {
        var (id, secret) = await _host.CreateClientAsync("grantTypes: [\"client_credentials\"]");
        var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/oidc/token")
            {
                Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
            };
            request.Headers.Authorization = Basic.Of(id, secret!);
            using var response = await _host.Gql.Http.SendAsync(request);
            return response.IsSuccessStatusCode;
        }));
        Assert.All(answers, Assert.True);
        // Every answer came after its event's commit: all 24 are there at once, none twice.
        var events = await _host.App.QueryDbAsync(db => db.AuditEvents.AsNoTracking()
            .Where(e => e.Type == AuditEventTypes.IssueToken && e.Target == "app:" + id).ToListAsync());
        Assert.Equal(24, events.Count);
        Assert.Equal(24, events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task ABadEventFailsOnlyItsOwnCallerAndTheRestOfItsBatchLands()
    {
        await _host.Gql.PostAsync("{ __typename }"); // starts the host
        var appender = _host.App.Services.GetRequiredService<AuditAppender>();
        var type = "appenderTest" + Guid.NewGuid().ToString("N")[..6];
        var bad = Event(null!);
        var tasks = Enumerable.Range(0, 20).Select(i => appender.AppendAsync(i == 7 ? bad : Event(type), CancellationToken.None)).ToList();
        var outcomes = await Task.WhenAll(tasks.Select(async t =>
        {
            try
            {
                await t;
                return true;
            }
            catch (DbUpdateException)
            {
                return false;
            }
        }));
        Assert.Equal(19, outcomes.Count(x => x));
        Assert.False(outcomes[7]);
        Assert.Equal(19, await CountAsync(type));
    }

    [Fact]
    public async Task StoppingDrainsTheQueueAndALateEventIsStillWritten()
    {
        await _host.Gql.PostAsync("{ __typename }");
        var appender = _host.App.Services.GetRequiredService<AuditAppender>();
        var type = "appenderStop" + Guid.NewGuid().ToString("N")[..6];
        var queued = Enumerable.Range(0, 50).Select(_ => appender.AppendAsync(Event(type), CancellationToken.None)).ToList();
        await appender.StopAsync(CancellationToken.None);
        await Task.WhenAll(queued);
        // After the stop the writer is gone: an event offered now is written directly, not lost and not left waiting.
        await appender.AppendAsync(Event(type), CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(51, await CountAsync(type));
    }
}
