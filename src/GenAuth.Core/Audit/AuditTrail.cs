using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;

namespace GenAuth.Core.Audit;

/// <summary>
/// The one way to record an event: <c>audit.Record(type, …)</c> adds the row to the request's context, so the next
/// SaveChanges writes it with the change it records (and a change that is never saved leaves no event). Actor, pool,
/// app, IP and user agent come from the caller.
/// </summary>
public sealed class AuditTrail(GenAuthDbContext db, CallerContext caller, TimeProvider clock)
{
    public const int MaxDetailLength = 4096;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Adds an event to the context (written by its next SaveChanges). No pool, no event.</summary>
    /// <param name="userId">The user the event is about.</param>
    /// <param name="detail">A small object serialised to JSON: names and codes, never secret values.</param>
    public AuditEvent? Record(string type, string? userId = null, object? detail = null, string outcome = AuditOutcomes.Success,
        int? errorCode = null, string? target = null)
    {
        if (caller.Pool is not { } pool)
            return null;
        var e = Build(pool.Id, type, userId, detail, outcome, errorCode, target);
        db.AuditEvents.Add(e);
        return e;
    }

    /// <summary>
    /// Adds an event of a pool for a request without a resolved caller (the OIDC endpoints): the actor is given, and the
    /// IP and user agent when the caller has none.
    /// </summary>
    public AuditEvent RecordInPool(string poolId, string? appId, string type, string actorKind, string? actorId, string? userId,
        object? detail = null, string? target = null, string? ip = null, string? userAgent = null)
    {
        var e = BuildInPool(poolId, appId, type, actorKind, actorId, userId, detail, target, ip, userAgent);
        db.AuditEvents.Add(e);
        return e;
    }

    /// <summary>
    /// An event like <see cref="RecordInPool"/>'s, written now by the group-commit writer instead of the request's next
    /// SaveChanges: for an event that records no other write of the request (a client-credentials token). Returns once
    /// it is committed.
    /// </summary>
    public Task AppendInPoolAsync(AuditAppender appender, string poolId, string? appId, string type, string actorKind, string? actorId,
        string? userId, object? detail, CancellationToken ct, string? target = null, string? ip = null, string? userAgent = null) =>
        appender.AppendAsync(BuildInPool(poolId, appId, type, actorKind, actorId, userId, detail, target, ip, userAgent), ct);

    private AuditEvent BuildInPool(string poolId, string? appId, string type, string actorKind, string? actorId, string? userId,
        object? detail, string? target, string? ip, string? userAgent)
    {
        var e = Build(poolId, type, userId, detail, AuditOutcomes.Success, null, target);
        e.AppId = appId;
        e.ActorKind = actorKind;
        e.ActorId = actorId;
        e.Ip = caller.Ip ?? ip;
        var agent = caller.UserAgent ?? userAgent;
        e.UserAgent = TextCut.Clip(agent, 512);
        return e;
    }

    /// <summary>Writes the events added and not yet saved (for changes whose own writes happened elsewhere).</summary>
    public async Task SavePendingAsync(CancellationToken ct)
    {
        foreach (var entry in db.ChangeTracker.Entries<AuditEvent>())
            if (entry.State == Microsoft.EntityFrameworkCore.EntityState.Added)
            {
                await db.SaveChangesAsync(ct);
                return;
            }
    }

    /// <summary>
    /// Records a user's own action; nothing when an admin does it through a shared service (the admin mutation is
    /// recorded under its own name by the GraphQL layer, with its fields).
    /// </summary>
    public AuditEvent? RecordSelf(string type, string? userId = null, object? detail = null) =>
        caller.Kind == PrincipalKind.Admin ? null : Record(type, userId, detail);

    /// <summary>Records and saves at once: for changes made by bulk updates (no SaveChanges of their own).</summary>
    public async Task SaveAsync(string type, string? userId, CancellationToken ct, object? detail = null)
    {
        if (Record(type, userId, detail) is not null)
            await db.SaveChangesAsync(ct);
    }

    /// <summary>Records a failure and saves it at once: for refusals that change nothing else (the attempt is the event).</summary>
    public async Task RecordFailureAsync(string type, string? userId, int errorCode, object? detail, CancellationToken ct)
    {
        if (Record(type, userId, detail, AuditOutcomes.Failure, errorCode) is not null)
            await db.SaveChangesAsync(ct);
    }

    /// <summary>Forgets an event not yet saved (the change it recorded was refused).</summary>
    public void Discard(AuditEvent e)
    {
        var entry = db.Entry(e);
        if (entry.State == Microsoft.EntityFrameworkCore.EntityState.Added)
            entry.State = Microsoft.EntityFrameworkCore.EntityState.Detached;
    }

    /// <summary>Whether the event was written (a SaveChanges ran since it was recorded).</summary>
    public bool IsSaved(AuditEvent e) => e.Id > 0 && db.Entry(e).State != Microsoft.EntityFrameworkCore.EntityState.Added;

    /// <summary>Writes the event if no SaveChanges has yet (a change made by a bulk update, or a cleared context).</summary>
    public async Task EnsureSavedAsync(AuditEvent e, CancellationToken ct)
    {
        var state = db.Entry(e).State;
        if (state == Microsoft.EntityFrameworkCore.EntityState.Detached)
        {
            if (e.Id > 0)
                return;
            db.AuditEvents.Add(e);
        }
        else if (state == Microsoft.EntityFrameworkCore.EntityState.Unchanged)
        {
            return;
        }
        // Added (never saved) or Modified (a user id learnt from the result, e.g. createUser's).
        await db.SaveChangesAsync(ct);
    }

    private AuditEvent Build(string poolId, string type, string? userId, object? detail, string outcome, int? errorCode, string? target)
    {
        var (kind, actor) = caller.Kind switch
        {
            PrincipalKind.Admin => (AuditActors.Admin, caller.UserId ?? TokenId(caller.Token)),
            PrincipalKind.User => (AuditActors.User, caller.UserId),
            // Note: an anonymous caller acts for the account it signs into or registers.
            _ => (AuditActors.User, userId),
        };
        return new AuditEvent
        {
            UserPoolId = poolId,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            AppId = caller.App?.Id,
            Type = type,
            ActorKind = kind,
            ActorId = actor,
            UserId = userId,
            Target = target,
            Ip = caller.Ip,
            UserAgent = TextCut.Clip(caller.UserAgent, 512),
            Outcome = outcome,
            ErrorCode = errorCode,
            Detail = Serialize(detail),
        };
    }

    internal static string? Serialize(object? detail)
    {
        if (detail is null)
            return null;
        var json = JsonSerializer.Serialize(detail, Json);
        return json.Length <= MaxDetailLength ? json : """{"truncated":true}""";
    }

    /// <summary>A management token's stable, non-secret name: "token:" and 16 hex of its SHA-256.</summary>
    public static string? TokenId(string? token) =>
        token is null ? null : "token:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..16];
}
