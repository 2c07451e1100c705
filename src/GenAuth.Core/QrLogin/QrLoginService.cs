using System.Text;
using System.Text.Json;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Security;
using GenAuth.Core.Sessions;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.QrLogin;

/// <summary>
/// App scan login, the caller-facing half of the state machine (REST and GraphQL both call this):
/// gene → (scanned → confirm | cancel) | expire. Every transition is one conditional UPDATE, so concurrent callers can't
/// both win; its state is built from the row read before it and what it changed. Redeeming the ticket for a session
/// is a sign-in (SignIn.QrSignInService).
/// </summary>
public sealed class QrLoginService(GenAuthDbContext db, CallerContext caller, QrLoginHub hub, SecretSealer sealer)
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

    public async Task<QrCodeState> ScannedAsync(string? random, CancellationToken ct)
    {
        var userId = caller.RequireUserId();
        var key = Key(random);
        var before = await hub.LoadAsync(db, key, userId, ct) ?? throw new GenAuthException(ErrorCodes.QrCodeNotFound);
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
        return await PublishAsync(before.State(QrCodeStatus.Scanned, userId, null), null);
    }

    public async Task<QrCodeState> ConfirmAsync(string? random, CancellationToken ct)
    {
        var userId = caller.RequireUserId();
        var pool = caller.RequirePool();
        var key = Key(random);
        var before = await hub.LoadAsync(db, key, userId, ct) ?? throw new GenAuthException(ErrorCodes.QrCodeNotFound);
        // The browser's sign-in counts as multi-factor only when the confirming session passed a second factor.
        var sessionId = caller.SessionId;
        var secondFactor = sessionId is not null
                           && await db.Sessions.AnyAsync(s => s.Id == sessionId && s.SecondFactorAt != null, ct);
        var now = hub.Now;
        var ticket = Ids.NewSecret(24);
        var hash = QrTickets.Hash(ticket);
        var sealedTicket = sealer.Seal(Encoding.UTF8.GetBytes(ticket));
        var ticketExpires = now.AddSeconds(Math.Clamp(pool.QrTicketExpiresAfter, 10, 86_400));
        var changed = await db.QrCodes
            .Where(q => q.Id == key && q.Status == QrCodeStatus.Scanned && q.ScannedUserId == userId && q.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(q => q.Status, QrCodeStatus.Confirmed)
                .SetProperty(q => q.TicketHash, hash).SetProperty(q => q.TicketSealed, sealedTicket)
                .SetProperty(q => q.TicketExpiresAt, ticketExpires).SetProperty(q => q.ConfirmedWithSecondFactor, secondFactor)
                .SetProperty(q => q.UpdatedAt, now), ct);
        if (changed == 0)
            throw Refusal(await CheckAsync(key, ct), userId);
        return await PublishAsync(before.State(QrCodeStatus.Confirmed, userId, ticket), sealedTicket);
    }

    public async Task<QrCodeState> CancelAsync(string? random, CancellationToken ct)
    {
        var userId = caller.RequireUserId();
        var key = Key(random);
        var before = await hub.LoadAsync(db, key, userId, ct) ?? throw new GenAuthException(ErrorCodes.QrCodeNotFound);
        var now = hub.Now;
        var changed = await db.QrCodes
            .Where(q => q.Id == key && q.Status == QrCodeStatus.Scanned && q.ScannedUserId == userId && q.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(q => q.Status, QrCodeStatus.Cancelled).SetProperty(q => q.UpdatedAt, now), ct);
        if (changed == 0)
            throw Refusal(await CheckAsync(key, ct), userId);
        return await PublishAsync(before.State(QrCodeStatus.Cancelled, userId, null), null);
    }

    /// <summary>The open stream of one code's states, for a subscription; unknown or foreign codes are refused.</summary>
    public Task<QrStatusStream> SubscribeAsync(string? random, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        return hub.OpenStreamAsync(db, pool.Id, Key(random), ct);
    }

    /// <summary>Publishes the state the transition built (the ticket only sealed) and answers it to the caller.</summary>
    private async Task<QrCodeState> PublishAsync(QrCodeState state, byte[]? ticketSealed)
    {
        await hub.PublishAsync(state, ticketSealed, CancellationToken.None);
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
