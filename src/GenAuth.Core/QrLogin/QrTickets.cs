using System.Security.Cryptography;
using System.Text;
using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.QrLogin;

/// <summary>A confirmed code's ticket, as a sign-in may redeem it: found without spending it, spent once.</summary>
public sealed record QrRedeemable(string CodeId, string? ScannedUserId, bool ConfirmedWithSecondFactor);

public static class QrTickets
{
    public static byte[] Hash(string ticket) => SHA256.HashData(Encoding.UTF8.GetBytes(ticket));

    /// <summary>The confirmed code whose ticket this is, when it is unspent and unexpired (nothing is written).</summary>
    public static Task<QrRedeemable?> FindByTicketAsync(GenAuthDbContext db, string ticket, DateTime now, CancellationToken ct)
    {
        var hash = Hash(ticket);
        return db.QrCodes.AsNoTracking()
            .Where(q => q.TicketHash == hash && q.Status == QrCodeStatus.Confirmed && q.TicketUsedAt == null && q.TicketExpiresAt > now)
            .Select(q => new QrRedeemable(q.Id, q.ScannedUserId, q.ConfirmedWithSecondFactor))
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>The confirmed code of that random, when its ticket is unspent and unexpired (nothing is written).</summary>
    public static Task<QrRedeemable?> FindByCodeAsync(GenAuthDbContext db, string random, DateTime now, CancellationToken ct) =>
        db.QrCodes.AsNoTracking()
            .Where(q => q.Id == random && q.Status == QrCodeStatus.Confirmed && q.TicketUsedAt == null && q.TicketExpiresAt > now)
            .Select(q => new QrRedeemable(q.Id, q.ScannedUserId, q.ConfirmedWithSecondFactor))
            .FirstOrDefaultAsync(ct);

    /// <summary>Spends the ticket: true for exactly one of concurrent callers, false once used or expired.</summary>
    public static async Task<bool> SpendAsync(GenAuthDbContext db, string codeId, DateTime now, CancellationToken ct) =>
        await db.QrCodes
            .Where(q => q.Id == codeId && q.Status == QrCodeStatus.Confirmed && q.TicketUsedAt == null && q.TicketExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(q => q.TicketUsedAt, now), ct) == 1;
}
