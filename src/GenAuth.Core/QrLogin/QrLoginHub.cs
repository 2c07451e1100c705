using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Events;
using GenAuth.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GenAuth.Core.QrLogin;

/// <summary>A code's row as read before a transition, with the profile its state shows (the scanner's, or the one about to scan).</summary>
public sealed record QrSnapshot(QrCode Row, QrScannedUser? User)
{
    /// <summary>The state after a transition to <paramref name="status"/>, from what the snapshot and the transition hold.</summary>
    public QrCodeState State(QrCodeStatus status, string? scannedUserId, string? ticket) =>
        new(Row.Id, status, User, scannedUserId, ticket, DateTime.SpecifyKind(Row.ExpiresAt, DateTimeKind.Utc));
}

/// <summary>
/// The shared half of the QR state machine: reading a code's state, expiring it (it owns the expiry scheduler),
/// publishing its transitions on the bus, and opening subscriber streams. Singleton; every method takes the caller's
/// DbContext. Streams on this instance get a transition's state as the transition built it; the bus carries it to the
/// other instances with the ticket sealed only, and each of them unseals it for its streams.
/// </summary>
public sealed class QrLoginHub : IDisposable
{
    private readonly IEventBus _bus;
    private readonly SecretSealer _sealer;
    private readonly TimeProvider _clock;
    private readonly ILogger<QrLoginHub> _logger;
    private readonly ConcurrentDictionary<string, ImmutableList<QrStatusStream>> _streams = new(StringComparer.Ordinal);

    public QrLoginHub(IEventBus bus, IServiceScopeFactory scopes, SecretSealer sealer, TimeProvider clock, ILogger<QrLoginHub> logger)
    {
        _bus = bus;
        _sealer = sealer;
        _clock = clock;
        _logger = logger;
        Scheduler = new QrExpiryScheduler(scopes, clock, logger, ExpireIfDueAsync);
    }

    public QrExpiryScheduler Scheduler { get; }

    public DateTime Now => _clock.GetUtcNow().UtcDateTime;

    public void Dispose() => Scheduler.Dispose();

    /// <summary>The code as the caller's pool sees it, with expiry applied (and pushed) when it is due; null if unknown.</summary>
    public async Task<QrCodeState?> ReadAsync(GenAuthDbContext db, string random, CancellationToken ct)
    {
        var snapshot = await LoadAsync(db, random, null, ct);
        if (snapshot is null)
            return null;
        var row = snapshot.Row;
        if (!QrCode.IsTerminal(row.Status) && row.ExpiresAt <= Now)
            return await ExpireAsync(db, snapshot, ct) ?? await ReadAsync(db, random, ct);
        string? ticket = null;
        if (row.Status == QrCodeStatus.Confirmed && row.TicketSealed is { } sealedTicket)
            ticket = Encoding.UTF8.GetString(_sealer.Unseal(sealedTicket));
        return snapshot.State(row.Status, row.ScannedUserId, ticket);
    }

    /// <summary>
    /// The row and the profile its state shows: the user who scanned it, or <paramref name="asScanner"/> (the caller about
    /// to scan). Read once, before a transition; the transition's state is built from it, never re-read.
    /// </summary>
    public async Task<QrSnapshot?> LoadAsync(GenAuthDbContext db, string random, string? asScanner, CancellationToken ct)
    {
        var row = await db.QrCodes.AsNoTracking().FirstOrDefaultAsync(q => q.Id == random, ct);
        if (row is null)
            return null;
        QrScannedUser? user = null;
        if ((asScanner ?? row.ScannedUserId) is { } userId)
        {
            user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
                .Select(u => new QrScannedUser(u.Nickname, u.Photo)).FirstOrDefaultAsync(ct) ?? new QrScannedUser(null, null);
        }
        return new QrSnapshot(row, user);
    }

    /// <summary>Moves a live code past its deadline to Expired and publishes that; null when it was not due or moved on.</summary>
    public async Task ExpireIfDueAsync(GenAuthDbContext db, string random, CancellationToken ct)
    {
        if (await LoadAsync(db, random, null, ct) is { } snapshot)
            await ExpireAsync(db, snapshot, ct);
    }

    private async Task<QrCodeState?> ExpireAsync(GenAuthDbContext db, QrSnapshot snapshot, CancellationToken ct)
    {
        var now = Now;
        var random = snapshot.Row.Id;
        var changed = await db.QrCodes
            .Where(q => q.Id == random && (q.Status == QrCodeStatus.NotScanned || q.Status == QrCodeStatus.Scanned) && q.ExpiresAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(q => q.Status, QrCodeStatus.Expired).SetProperty(q => q.UpdatedAt, now), ct);
        if (changed == 0)
            return null;
        var state = snapshot.State(QrCodeStatus.Expired, snapshot.Row.ScannedUserId, null);
        await PublishAsync(state, null, ct);
        return state;
    }

    /// <summary>
    /// Publishes a committed transition. The state goes out without its ticket; a confirmed code's ticket travels
    /// sealed (<paramref name="ticketSealed"/>, as stored), so the bus (Redis) never carries it in plain text.
    /// </summary>
    public async Task PublishAsync(QrCodeState state, byte[]? ticketSealed, CancellationToken ct)
    {
        // Note: this instance's streams take the state as built (ticket in hand); the bus's copy reaches them too and
        // is dropped there as not newer, before anything is unsealed.
        if (_streams.TryGetValue(state.Random, out var local))
        {
            foreach (var stream in local)
                stream.Offer(state);
        }
        try
        {
            await _bus.PublishAsync(EventChannels.QrCode(state.Random), QrCodeEvent.Of(state, ticketSealed).ToJson(), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Note: the transition is committed; subscribers that miss it still see it on their next read or at expiry.
            _logger.LogError(e, "Publishing a QR code transition failed");
        }
    }

    /// <summary>
    /// A stream of one code's states: the current one first, then every transition, ending after a terminal one.
    /// Subscribes to the bus before reading the row, so nothing published in between is lost.
    /// </summary>
    public async Task<QrStatusStream> OpenStreamAsync(GenAuthDbContext db, string poolId, string random, CancellationToken ct)
    {
        var stream = new QrStatusStream();
        var subscription = await _bus.SubscribeAsync(EventChannels.QrCode(random), payload => OnBusEvent(stream, payload), ct);
        _streams.AddOrUpdate(random, _ => [stream], (_, list) => list.Add(stream));
        stream.Attach(new Unsubscriber(() =>
        {
            subscription.Dispose();
            RemoveStream(random, stream);
        }));
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

    /// <summary>A transition made on another instance (or this one's, already offered): unsealed only when it is news.</summary>
    private void OnBusEvent(QrStatusStream stream, string payload)
    {
        if (QrCodeEvent.FromJson(payload) is not { } e
            || (stream.Last is { } last && QrCode.Rank(last.Status) >= QrCode.Rank(e.Status)))
            return;
        stream.Offer(e.ToState(e.TicketSealed is { } t ? Encoding.UTF8.GetString(_sealer.Unseal(t)) : null));
    }

    private void RemoveStream(string random, QrStatusStream stream)
    {
        while (_streams.TryGetValue(random, out var list))
        {
            var left = list.Remove(stream);
            if (left.IsEmpty ? _streams.TryRemove(KeyValuePair.Create(random, list)) : _streams.TryUpdate(random, left, list))
                return;
        }
    }
}
