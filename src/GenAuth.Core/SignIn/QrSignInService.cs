using System.Security.Cryptography;
using System.Text;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Core.QrLogin;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.SignIn;

/// <summary>
/// Redeeming a confirmed QR code's ticket for the scanner's session: the server-side exchange, or the browser's check
/// when the pool returns full user info. A code confirmed from a session that passed a second factor signs in as
/// multi-factor; otherwise the scanner's second factor is asked for (SecondFactorRequired) and the ticket stays unspent
/// until that step spends it with its mfaToken.
/// </summary>
public sealed class QrSignInService(GenAuthDbContext db, CallerContext caller, QrLoginService qr, SignInService signIn,
    TimeProvider clock)
{
    public const string Method = "qrcode:app";

    /// <summary>
    /// check as the browser polls it. When the pool returns full user info (qrcodeLoginStrategy.returnFullUserInfo),
    /// the first check of a confirmed code redeems its ticket and answers the scanner with a new session too; later
    /// checks (and the exchange) find the ticket used. <paramref name="openSession"/> false never redeems.
    /// </summary>
    public async Task<QrSignInCheck> CheckStatusAsync(string? random, bool openSession, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var state = await qr.CheckAsync(random, ct);
        if (!openSession || !pool.QrReturnFullUserInfo || state.Status != QrCodeStatus.Confirmed)
            return new QrSignInCheck(state, null);
        if (await QrTickets.FindByCodeAsync(db, state.Random, Now, ct) is not { } code)
            return new QrSignInCheck(state, null);
        var outcome = await RedeemAsync(code, ct);
        // Note: of concurrent checks one spends the ticket; the others answer the state, as any later check does.
        return outcome is Refused r && r.Error == ErrorCodes.QrTicketInvalid
            ? new QrSignInCheck(state, null)
            : new QrSignInCheck(state, outcome);
    }

    /// <summary>
    /// The hosted login page's QR tab: the browser that generated the code (the page checks that) redeems it once
    /// confirmed, through the same redemption as check, whatever returnFullUserInfo says (the page hands no token to
    /// script: the session becomes its SSO cookie). Null while the code isn't confirmed or once its ticket is spent.
    /// </summary>
    public async Task<SignInOutcome?> RedeemConfirmedAsync(string? random, CancellationToken ct)
    {
        caller.RequirePool();
        var state = await qr.CheckAsync(random, ct);
        if (state.Status != QrCodeStatus.Confirmed || await QrTickets.FindByCodeAsync(db, state.Random, Now, ct) is not { } code)
            return null;
        var outcome = await RedeemAsync(code, ct);
        return outcome is Refused r && r.Error == ErrorCodes.QrTicketInvalid ? null : outcome;
    }

    /// <summary>
    /// Ticket → the scanner's full profile and a new session. Server side only (management token or pool secret)
    /// unless the pool allows browsers; single use, within the ticket's lifetime.
    /// </summary>
    public async Task<SignInOutcome> ExchangeTicketAsync(string? ticket, string? poolSecret, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        if (caller.Kind != PrincipalKind.Admin && !pool.QrAllowExchangeFromBrowser && !SecretMatches(pool, poolSecret))
            throw new GenAuthException(caller.Kind == PrincipalKind.Anonymous ? ErrorCodes.NotLoggedIn : ErrorCodes.Forbidden);
        if (string.IsNullOrEmpty(ticket) || ticket.Length > 128)
            throw new GenAuthException(ErrorCodes.QrTicketInvalid);
        var code = await QrTickets.FindByTicketAsync(db, ticket, Now, ct) ?? throw new GenAuthException(ErrorCodes.QrTicketInvalid);
        return await RedeemAsync(code, ct);
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private Task<SignInOutcome> RedeemAsync(QrRedeemable code, CancellationToken ct) =>
        signIn.SignInAsync(new SignInRequest(Method, async c =>
        {
            var user = await db.Users.FirstOrDefaultAsync(u => u.Id == code.ScannedUserId && !u.IsDeleted, c)
                       ?? throw new GenAuthException(ErrorCodes.UserNotFound);
            return new Credential(user, true);
        })
        {
            SecondFactorPassed = code.ConfirmedWithSecondFactor,
            QrCodeId = code.CodeId,
            Claim = async c => await QrTickets.SpendAsync(db, code.CodeId, Now, c) ? null : ErrorCodes.QrTicketInvalid,
        }, ct);

    private static bool SecretMatches(UserPool pool, string? secret) =>
        !string.IsNullOrEmpty(secret)
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), pool.SecretHash);
}
