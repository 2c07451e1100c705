using GenAuth.Core.Security;
using GenAuth.Tests.Oidc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Cas;

/// <summary>
/// Issue 14 (small): on one SQLite instance without Redis, spent single-use values (CAS service tickets, external
/// sign-in states, link tickets) are kept in the database, not in memory: a ticket validated before a restart is
/// refused after it, within its lifetime.
/// </summary>
public sealed class SpentAfterRestartTests
{
    [Fact]
    public async Task ACasTicketValidatedBeforeARestartIsInvalidAfterIt()
    {
        var directory = Path.Combine(Path.GetTempPath(), "genauth-tests", Guid.NewGuid().ToString("N"));
        string appId, ticket, validate;
        await using (var first = new OidcHost(dataDirectory: directory))
        {
            first.App.KeepDataDirectory = true;
            (appId, _) = await first.CreateClientAsync(name: "CAS app");
            var email = $"cas{Guid.NewGuid():N}@example.com";
            await first.RegisterAsync(email);
            var browser = await first.SignedInBrowserAsync(email, appId);
            var redirect = await browser.Http.GetAsync($"/cas-idp/{appId}?service={Uri.EscapeDataString(OidcHost.Callback)}");
            ticket = Browser.Query(redirect.Headers.Location!)["ticket"];
            validate = $"/cas-idp/{appId}/validate?service={Uri.EscapeDataString(OidcHost.Callback)}&ticket={Uri.EscapeDataString(ticket)}";
            Assert.StartsWith("yes\n", await first.Gql.Http.GetStringAsync(validate), StringComparison.Ordinal);
        }

        await using var second = new OidcHost(dataDirectory: directory);
        // Still within the ticket's 300 s and for a live session: only the spent mark refuses it.
        Assert.Equal("no\n", await second.Gql.Http.GetStringAsync(validate));
    }

    [Fact]
    public async Task AValueSpentBeforeARestartStaysSpentAndAnExpiredOneIsSwept()
    {
        var directory = Path.Combine(Path.GetTempPath(), "genauth-tests", Guid.NewGuid().ToString("N"));
        var until = DateTimeOffset.UtcNow.AddMinutes(5);
        await using (var first = new OidcHost(dataDirectory: directory))
        {
            first.App.KeepDataDirectory = true;
            var store = first.App.Services.GetRequiredService<ISingleUseStore>();
            Assert.True(await store.TryUseAsync("state:restart", until));
            Assert.True(await store.TryUseAsync("state:old", DateTimeOffset.UtcNow.AddSeconds(-1)));
            Assert.False(await store.TryUseAsync("state:restart", until));
        }

        await using var second = new OidcHost(dataDirectory: directory);
        var again = second.App.Services.GetRequiredService<ISingleUseStore>();
        Assert.False(await again.TryUseAsync("state:restart", until));
        Assert.True(await again.TryUseAsync("state:other", until));
        // The sweeper removes rows past their expiry (the spent mark of an expired value is no longer needed).
        await second.App.Services.GetRequiredService<GenAuth.Core.Maintenance.ExpiredRowSweeper>().SweepAsync(CancellationToken.None);
        Assert.Equal(0, await second.App.QueryDbAsync(db => db.Set<SharedCounter>().CountAsync(c => c.Key == "once:state:old")));
        Assert.Equal(1, await second.App.QueryDbAsync(db => db.Set<SharedCounter>().CountAsync(c => c.Key == "once:state:restart")));
    }
}
