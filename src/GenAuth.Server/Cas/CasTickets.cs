using System.Security.Cryptography;
using System.Text;
using GenAuth.Core.Security;
using Microsoft.Extensions.Options;

namespace GenAuth.Server.Cas;

/// <summary>GenAuth:Cas settings.</summary>
public sealed class CasOptions
{
    public const string Section = "GenAuth:Cas";

    /// <summary>How long a service ticket may wait for its validation, in seconds (the CAS spec allows 10 to 300).</summary>
    public int TicketLifetimeSeconds { get; set; } = 300;
}

/// <summary>What a service ticket says: the app (CAS server) that issued it, the app session it opened, for which service, until when.</summary>
public sealed record CasTicket(string AppId, string SessionId, long ExpiresAt, string ServiceHash, string Nonce);

/// <summary>Why a ticket failed (CAS 2.0/3.0 authenticationFailure codes).</summary>
public enum CasFailure
{
    InvalidRequest,
    InvalidTicket,
    InvalidService,
}

/// <summary>
/// CAS service tickets ("ST-…"). A ticket is sealed with the master key (AES-256-GCM: nobody can forge or alter it, every
/// instance sharing the key opens it) and carries 128 random bits of its own; it is spent once through
/// <see cref="ISingleUseStore"/> (Redis SET NX, or the database without Redis, so a replay on another instance or after
/// a restart fails too), expires after <see cref="CasOptions.TicketLifetimeSeconds"/>, and names the SHA-256 of
/// the service it was issued for and its app. Nothing is stored until it is validated; a ticket stays under 256
/// characters, the length the CAS spec asks clients to accept.
/// </summary>
public sealed class CasTickets(SecretSealer sealer, ISingleUseStore used, TimeProvider clock, IOptions<CasOptions> options)
{
    public const string Prefix = "ST-";
    private const string Version = "C1";

    public TimeSpan Lifetime => TimeSpan.FromSeconds(options.Value.TicketLifetimeSeconds);

    public string Issue(string appId, string sessionId, string service)
    {
        var expires = clock.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds();
        var nonce = Base64Url(RandomNumberGenerator.GetBytes(16));
        var plain = string.Join('\n', Version, appId, sessionId, expires.ToString(System.Globalization.CultureInfo.InvariantCulture),
            HashService(service), nonce);
        return Prefix + sealer.SealText([], Encoding.UTF8.GetBytes(plain));
    }

    /// <summary>
    /// Checks a ticket for the app's validation endpoint and spends it: the ticket, or why it fails. A ticket of another
    /// app is not this CAS server's (INVALID_TICKET) and is left unspent; a genuine one is spent before its service is
    /// compared, so a ticket shown with the wrong service can't be tried again (CAS spec 2.5.3).
    /// </summary>
    public async Task<(CasTicket? Ticket, CasFailure? Failure)> RedeemAsync(string appId, string? value, string? service, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(value) || string.IsNullOrEmpty(service))
            return (null, CasFailure.InvalidRequest);
        var ticket = Open(value);
        if (ticket is null || ticket.AppId != appId)
            return (null, CasFailure.InvalidTicket);
        var now = clock.GetUtcNow();
        if (ticket.ExpiresAt <= now.ToUnixTimeSeconds())
            return (null, CasFailure.InvalidTicket);
        if (!await used.TryUseAsync("cas:" + ticket.Nonce, DateTimeOffset.FromUnixTimeSeconds(ticket.ExpiresAt), ct))
            return (null, CasFailure.InvalidTicket);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashService(service)), Encoding.ASCII.GetBytes(ticket.ServiceHash)))
            return (null, CasFailure.InvalidService);
        return (ticket, null);
    }

    private CasTicket? Open(string value)
    {
        if (!value.StartsWith(Prefix, StringComparison.Ordinal) || sealer.OpenText(value[Prefix.Length..], [], 512) is not { } plain)
            return null;
        var parts = Encoding.UTF8.GetString(plain).Split('\n');
        if (parts.Length != 6 || parts[0] != Version || !long.TryParse(parts[3], out var expires))
            return null;
        return new CasTicket(parts[1], parts[2], expires, parts[4], parts[5]);
    }

    private static string HashService(string service) => Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(service)).AsSpan(0, 16));

    private static string Base64Url(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
