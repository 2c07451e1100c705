using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Core.Security;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Core.QrLogin;

/// <summary>
/// App scan login, the caller-facing half of the state machine (REST and GraphQL both call this):
/// gene → (scanned → confirm | cancel) | expire, then a single-use ticket exchanged server side for a session.
/// Every transition is one conditional UPDATE, so concurrent callers can't both win.
/// </summary>
public sealed class QrLoginService(GenAuthDbContext db, CallerContext caller, QrLoginHub hub, SecretSealer sealer,
    IServiceProvider services)
{
    public const string AppAuthScene = "APP_AUTH";

    /// <summary>Where the server serves a code's PNG (relative to its base URL).</summary>
    public static string ImagePath(string random) => $"/api/v2/qrcode/image/{random}.png";
    private const int MaxCustomDataChars = 4096;

    public async Task<QrCodeCreated> GenerateAsync(string? scene, string? customDataJson, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        scene = string.IsNullOrWhiteSpace(scene) ? AppAuthScene : scene.Trim();
        if (scene != AppAuthScene)
            throw new GenAuthException(ErrorCodes.QrSceneInvalid, detail: scene);
        var now = hub.Now;
        var expiresIn = Math.Clamp(pool.QrCodeExpiresAfter, 10, 3600);
        var code = new QrCode
        {
            Id = Ids.NewSecret(16),
            UserPoolId = pool.Id,
            AppId = caller.App?.Id,
            Scene = scene,
            Status = QrCodeStatus.NotScanned,
            CustomData = NormalizeCustomData(customDataJson),
            CreatedAt = now,
            ExpiresAt = now.AddSeconds(expiresIn),
            UpdatedAt = now,
        };
        db.QrCodes.Add(code);
        await db.SaveChangesAsync(ct);
        hub.Scheduler.Schedule(pool.Id, code.Id, code.ExpiresAt);
        return new QrCodeCreated(code.Id, pool.Id, scene, code.CreatedAt, code.ExpiresAt, expiresIn, code.CustomData);
    }

    public async Task<QrCodeState> CheckAsync(string? random, CancellationToken ct)
    {
        caller.RequirePool();
        return await hub.ReadAsync(db, Key(random), ct) ?? throw new GenAuthException(ErrorCodes.QrCodeNotFound);
    }

    /// <summary>
    /// check as the browser polls it. When the pool returns full user info (qrcodeLoginStrategy.returnFullUserInfo),
    /// the first check of a confirmed code consumes its ticket and answers the scanner with a new session instead;
    /// later checks (and the exchange) find the ticket used. <paramref name="openSession"/> false never consumes.
    /// </summary>
    public async Task<QrCheckResult> CheckStatusAsync(string? random, bool openSession, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var state = await CheckAsync(random, ct);
        if (!openSession || !pool.QrReturnFullUserInfo || state.Status != QrCodeStatus.Confirmed)
            return new QrCheckResult(state, null);
        var now = hub.Now;
        var consumed = await db.QrCodes
            .Where(q => q.Id == state.Random && q.Status == QrCodeStatus.Confirmed && q.TicketUsedAt == null && q.TicketExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(q => q.TicketUsedAt, now), ct);
        if (consumed == 0)
            return new QrCheckResult(state, null);
        return new QrCheckResult(state, await LoginScannerAsync(pool, state.ScannedUserId, ct));
    }

    public async Task<QrCodeState> ScannedAsync(string? random, CancellationToken ct)
    {
        var userId = caller.RequireUserId();
        var key = Key(random);
        var now = hub.Now;
        var changed = await db.QrCodes
            .Where(q => q.Id == key && q.Status == QrCodeStatus.NotScanned && q.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(q => q.Status, QrCodeStatus.Scanned)
                .SetProperty(q => q.ScannedUserId, userId).SetProperty(q => q.UpdatedAt, now), ct);
        if (changed == 0)
        {
            // Scanning again from the same account (the app retried) is not an error.
            var current = await CheckAsync(key, ct);
            if (current.Status == QrCodeStatus.Scanned && current.ScannedUserId == userId)
                return current;
            throw Refusal(current, userId);
        }
        return await PublishCurrentAsync(key, ct);
    }

    public async Task<QrCodeState> ConfirmAsync(string? random, CancellationToken ct)
    {
        var userId = caller.RequireUserId();
        var pool = caller.RequirePool();
        var key = Key(random);
        var now = hub.Now;
        var ticket = Ids.NewSecret(24);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(ticket));
        var sealedTicket = sealer.Seal(Encoding.UTF8.GetBytes(ticket));
        var ticketExpires = now.AddSeconds(Math.Clamp(pool.QrTicketExpiresAfter, 10, 86_400));
        var changed = await db.QrCodes
            .Where(q => q.Id == key && q.Status == QrCodeStatus.Scanned && q.ScannedUserId == userId && q.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(q => q.Status, QrCodeStatus.Confirmed)
                .SetProperty(q => q.TicketHash, hash).SetProperty(q => q.TicketSealed, sealedTicket)
                .SetProperty(q => q.TicketExpiresAt, ticketExpires).SetProperty(q => q.UpdatedAt, now), ct);
        if (changed == 0)
            throw Refusal(await CheckAsync(key, ct), userId);
        return await PublishCurrentAsync(key, ct);
    }

    public async Task<QrCodeState> CancelAsync(string? random, CancellationToken ct)
    {
        var userId = caller.RequireUserId();
        var key = Key(random);
        var now = hub.Now;
        var changed = await db.QrCodes
            .Where(q => q.Id == key && q.Status == QrCodeStatus.Scanned && q.ScannedUserId == userId && q.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(q => q.Status, QrCodeStatus.Cancelled).SetProperty(q => q.UpdatedAt, now), ct);
        if (changed == 0)
            throw Refusal(await CheckAsync(key, ct), userId);
        return await PublishCurrentAsync(key, ct);
    }

    /// <summary>
    /// Ticket → the scanner's full profile and a new session. Server side only (management token or pool secret)
    /// unless the pool allows browsers; single use, within the ticket's lifetime.
    /// </summary>
    public async Task<UserView> ExchangeTicketAsync(string? ticket, string? poolSecret, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        if (caller.Kind != PrincipalKind.Admin && !pool.QrAllowExchangeFromBrowser && !SecretMatches(pool, poolSecret))
            throw new GenAuthException(caller.Kind == PrincipalKind.Anonymous ? ErrorCodes.NotLoggedIn : ErrorCodes.Forbidden);
        if (string.IsNullOrEmpty(ticket) || ticket.Length > 128)
            throw new GenAuthException(ErrorCodes.QrTicketInvalid);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(ticket));
        var now = hub.Now;
        var used = await db.QrCodes
            .Where(q => q.TicketHash == hash && q.Status == QrCodeStatus.Confirmed && q.TicketUsedAt == null && q.TicketExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(q => q.TicketUsedAt, now), ct);
        if (used == 0)
            throw new GenAuthException(ErrorCodes.QrTicketInvalid);
        var userId = await db.QrCodes.Where(q => q.TicketHash == hash).Select(q => q.ScannedUserId).FirstAsync(ct);
        return await LoginScannerAsync(pool, userId, ct);
    }

    /// <summary>A new session for the scanner of a code whose ticket the caller just consumed.</summary>
    private async Task<UserView> LoginScannerAsync(UserPool pool, string? userId, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId && !u.IsDeleted, ct)
                   ?? throw new GenAuthException(ErrorCodes.UserNotFound);
        if (user.Blocked)
            throw new GenAuthException(ErrorCodes.AccountBlocked);
        return await services.GetRequiredService<AccountService>().CompleteLoginAsync(pool, user, "qrcode:app", ct);
    }

    /// <summary>The open stream of one code's states, for a subscription; unknown or foreign codes are refused.</summary>
    public Task<QrStatusStream> SubscribeAsync(string? random, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        return hub.OpenStreamAsync(db, pool.Id, Key(random), ct);
    }

    private async Task<QrCodeState> PublishCurrentAsync(string random, CancellationToken ct)
    {
        var row = await db.QrCodes.AsNoTracking().FirstAsync(q => q.Id == random, ct);
        var state = await hub.ToStateAsync(db, row, ct);
        await hub.PublishAsync(state, CancellationToken.None);
        return state;
    }

    /// <summary>Why a transition was refused, from the state the code is in now.</summary>
    private static GenAuthException Refusal(QrCodeState current, string userId) => new(current.Status switch
    {
        QrCodeStatus.Expired => ErrorCodes.QrCodeExpired,
        QrCodeStatus.NotScanned => ErrorCodes.QrCodeNotScanned,
        QrCodeStatus.Scanned when current.ScannedUserId != userId => ErrorCodes.QrCodeScannedByOther,
        QrCodeStatus.Confirmed or QrCodeStatus.Cancelled when current.ScannedUserId != userId => ErrorCodes.QrCodeScannedByOther,
        _ => ErrorCodes.QrCodeFinished,
    });

    private static string Key(string? random) =>
        random is { Length: > 0 and <= 64 } r ? r : throw new GenAuthException(ErrorCodes.QrCodeNotFound);

    private static bool SecretMatches(UserPool pool, string? secret) =>
        !string.IsNullOrEmpty(secret)
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), pool.SecretHash);

    private static string? NormalizeCustomData(string? json)
    {
        if (string.IsNullOrWhiteSpace(json) || json.Trim() is "null")
            return null;
        if (json.Length > MaxCustomDataChars)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "customData is too large");
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new GenAuthException(ErrorCodes.BadRequest, detail: "customData must be an object");
            return doc.RootElement.GetRawText();
        }
        catch (JsonException)
        {
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "customData must be JSON");
        }
    }

    /// <summary>The code's payload as the QR image encodes it (the seed's JSON); the random alone finds it, any pool.</summary>
    public async Task<string?> ImagePayloadAsync(string random, CancellationToken ct)
    {
        var row = await db.QrCodes.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(q => q.Id == random, ct);
        if (row is null)
            return null;
        object custom = row.CustomData is null ? new { } : JsonDocument.Parse(row.CustomData).RootElement.Clone();
        return JsonSerializer.Serialize(new
        {
            scene = row.Scene,
            random = row.Id,
            userPoolId = row.UserPoolId,
            createdAt = IsoTime.Format(row.CreatedAt),
            expireAt = IsoTime.Format(row.ExpiresAt),
            customData = custom,
        });
    }
}
