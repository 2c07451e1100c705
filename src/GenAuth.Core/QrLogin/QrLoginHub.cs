using System.Text;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Events;
using GenAuth.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace GenAuth.Core.QrLogin;

/// <summary>
/// The shared half of the QR state machine: reading a code's state, expiring it, publishing its transitions on the
/// bus, and opening subscriber streams. Singleton; every method takes the caller's DbContext.
/// </summary>
public sealed class QrLoginHub(IEventBus bus, QrExpiryScheduler scheduler, SecretSealer sealer, TimeProvider clock,
    ILogger<QrLoginHub> logger)
{
    public QrExpiryScheduler Scheduler => scheduler;

    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>The code as the caller's pool sees it, with expiry applied (and pushed) when it is due; null if unknown.</summary>
    public async Task<QrCodeState?> ReadAsync(GenAuthDbContext db, string random, CancellationToken ct)
    {
        var row = await db.QrCodes.AsNoTracking().FirstOrDefaultAsync(q => q.Id == random, ct);
        if (row is null)
            return null;
        if (!QrCode.IsTerminal(row.Status) && row.ExpiresAt <= Now)
            return await ExpireIfDueAsync(db, random, ct) ?? await ReadAsync(db, random, ct);
        return await ToStateAsync(db, row, ct);
    }

    /// <summary>Moves a live code past its deadline to Expired and publishes that; null when it was not due or moved on.</summary>
    public async Task<QrCodeState?> ExpireIfDueAsync(GenAuthDbContext db, string random, CancellationToken ct)
    {
        var now = Now;
        var changed = await db.QrCodes
            .Where(q => q.Id == random && (q.Status == QrCodeStatus.NotScanned || q.Status == QrCodeStatus.Scanned) && q.ExpiresAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(q => q.Status, QrCodeStatus.Expired).SetProperty(q => q.UpdatedAt, now), ct);
        if (changed == 0)
            return null;
        var row = await db.QrCodes.AsNoTracking().FirstAsync(q => q.Id == random, ct);
        var state = await ToStateAsync(db, row, ct);
        await PublishAsync(state, ct);
        return state;
    }

    public async Task PublishAsync(QrCodeState state, CancellationToken ct)
    {
        try
        {
            await bus.PublishAsync(EventChannels.QrCode(state.Random), state.ToJson(), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Note: the transition is committed; subscribers that miss it still see it on their next read or at expiry.
            logger.LogError(e, "Publishing a QR code transition failed");
        }
    }

    /// <summary>
    /// A stream of one code's states: the current one first, then every transition, ending after a terminal one.
    /// Subscribes to the bus before reading the row, so nothing published in between is lost.
    /// </summary>
    public async Task<QrStatusStream> OpenStreamAsync(GenAuthDbContext db, string poolId, string random, CancellationToken ct)
    {
        var stream = new QrStatusStream();
        var subscription = await bus.SubscribeAsync(EventChannels.QrCode(random), payload =>
        {
            if (QrCodeState.FromJson(payload) is { } state)
                stream.Offer(state);
        }, ct);
        stream.Attach(subscription);
        try
        {
            var current = await ReadAsync(db, random, ct) ?? throw new GenAuthException(ErrorCodes.QrCodeNotFound);
            stream.Offer(current);
            if (!QrCode.IsTerminal(current.Status))
                Scheduler.Schedule(poolId, random, current.ExpiresAt);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public async Task<QrCodeState> ToStateAsync(GenAuthDbContext db, QrCode row, CancellationToken ct)
    {
        QrScannedUser? user = null;
        if (row.ScannedUserId is { } userId)
        {
            user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
                .Select(u => new QrScannedUser(u.Nickname, u.Photo)).FirstOrDefaultAsync(ct) ?? new QrScannedUser(null, null);
        }
        string? ticket = null;
        if (row.Status == QrCodeStatus.Confirmed && row.TicketSealed is { } sealedTicket)
            ticket = Encoding.UTF8.GetString(sealer.Unseal(sealedTicket));
        return new QrCodeState(row.Id, row.Status, user, row.ScannedUserId, ticket, DateTime.SpecifyKind(row.ExpiresAt, DateTimeKind.Utc));
    }
}
