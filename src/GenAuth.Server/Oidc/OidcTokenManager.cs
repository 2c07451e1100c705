using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace GenAuth.Server.Oidc;

/// <summary>
/// OpenIddict's token manager with its row writes (a code's redemption, a refresh token's rotation, a new code or refresh
/// token) taking turns inside the process when the database is SQLite. SQLite has one writer: concurrent code exchanges
/// otherwise found the write lock taken and slept in its busy handler (1, 2, 5, 10… ms back-off), which profiling showed
/// as ~60 % of an exchange's time; waiting on an in-process gate hands the lock over as soon as it is free.
/// Other databases write concurrently and skip the gate.
/// </summary>
public sealed class OidcTokenManager(
    IOpenIddictTokenCache<OpenIddictEntityFrameworkCoreToken> cache,
    ILogger<OpenIddictTokenManager<OpenIddictEntityFrameworkCoreToken>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictTokenStore<OpenIddictEntityFrameworkCoreToken> store,
    GenAuthDbContext db,
    OidcWriteGate gate)
    : OpenIddictTokenManager<OpenIddictEntityFrameworkCoreToken>(cache, logger, options, store)
{
    public override async ValueTask CreateAsync(OpenIddictEntityFrameworkCoreToken token, CancellationToken cancellationToken = default)
    {
        using var turn = await gate.EnterAsync(db, cancellationToken);
        await base.CreateAsync(token, cancellationToken);
    }

    public override async ValueTask UpdateAsync(OpenIddictEntityFrameworkCoreToken token, CancellationToken cancellationToken = default)
    {
        using var turn = await gate.EnterAsync(db, cancellationToken);
        await base.UpdateAsync(token, cancellationToken);
    }
}

/// <summary>One turn at a time for the OIDC token writes of this process (SQLite only).</summary>
public sealed class OidcWriteGate
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    public async ValueTask<Turn> EnterAsync(GenAuthDbContext db, CancellationToken ct)
    {
        if (!db.Database.IsSqlite())
            return default;
        await _turn.WaitAsync(ct);
        return new Turn(_turn);
    }

    public readonly struct Turn(SemaphoreSlim? turn) : IDisposable
    {
        public void Dispose() => turn?.Release();
    }
}
