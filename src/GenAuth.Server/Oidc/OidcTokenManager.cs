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
    // Note: the code or refresh token of a token request is looked up three times (its properties restored, its status
    // checked, its redemption); the first read tracks it and the others find it in the context's identity map by key,
    // where OpenIddict's store scans every tracked entry (and detects changes) first. The read itself is compiled: the
    // token with its application and authorization (the authorization check then needs no statement of its own).
    private static readonly PerModel<Func<GenAuthDbContext, string, CancellationToken, Task<OpenIddictEntityFrameworkCoreToken?>>> ById = new(() =>
        EF.CompileAsyncQuery((GenAuthDbContext db, string id, CancellationToken ct) =>
            db.Set<OpenIddictEntityFrameworkCoreToken>().Include(t => t.Application).Include(t => t.Authorization).AsTracking()
                .FirstOrDefault(t => t.Id == id)));

    public override async ValueTask<OpenIddictEntityFrameworkCoreToken?> FindByIdAsync(string identifier, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        if (db.Set<OpenIddictEntityFrameworkCoreToken>().Local.FindEntry(identifier) is { State: not EntityState.Deleted and not EntityState.Detached } entry)
            return entry.Entity;
        // Note: ids are compared exactly (OpenIddict's manager re-checks the case the database may have ignored).
        return await ById.For(db)(db, identifier, cancellationToken) is { } token && string.Equals(token.Id, identifier, StringComparison.Ordinal)
            ? token
            : null;
    }

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

/// <summary>
/// OpenIddict's authorization manager, finding an authorization its request already holds (a code's or refresh token's,
/// read with the token) in the context's identity map by key instead of OpenIddict's scan of every tracked entry.
/// </summary>
public sealed class OidcAuthorizationManager(
    IOpenIddictAuthorizationCache<OpenIddictEntityFrameworkCoreAuthorization> cache,
    ILogger<OpenIddictAuthorizationManager<OpenIddictEntityFrameworkCoreAuthorization>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictAuthorizationStore<OpenIddictEntityFrameworkCoreAuthorization> store,
    GenAuthDbContext db)
    : OpenIddictAuthorizationManager<OpenIddictEntityFrameworkCoreAuthorization>(cache, logger, options, store)
{
    public override ValueTask<OpenIddictEntityFrameworkCoreAuthorization?> FindByIdAsync(string identifier, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return db.Set<OpenIddictEntityFrameworkCoreAuthorization>().Local.FindEntry(identifier) is
            { State: not EntityState.Deleted and not EntityState.Detached } entry && string.Equals(entry.Entity.Id, identifier, StringComparison.Ordinal)
            ? new(entry.Entity)
            : base.FindByIdAsync(identifier, cancellationToken);
    }
}
