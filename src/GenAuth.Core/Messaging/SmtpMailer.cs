using System.Net.Security;
using System.Security.Cryptography;
using System.Text;
using GenAuth.Core.Pools;
using GenAuth.Core.Security;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace GenAuth.Core.Messaging;

/// <summary>Delivers mail through SMTP with MailKit: the pool's server when it has one, else GenAuth:Smtp.</summary>
public sealed class SmtpMailer(IOptions<SmtpOptions> options, SecretSealer sealer)
{
    public bool IsConfigured(UserPool pool) => Resolve(pool) is not null;

    public async Task SendAsync(UserPool pool, OutgoingMessage message, CancellationToken ct)
    {
        var server = Resolve(pool) ?? throw new InvalidOperationException("No SMTP server configured");
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(pool.EmailFrom ?? options.Value.From));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        var body = new BodyBuilder { TextBody = message.Text, HtmlBody = message.Html };
        mime.Body = body.ToMessageBody();

        using var client = new SmtpClient { Timeout = options.Value.TimeoutSeconds * 1000 };
        if (server.PinnedSha256 is { } pinned)
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) => errors == SslPolicyErrors.None
                || certificate is not null && CryptographicOperations.FixedTimeEquals(
                    SHA256.HashData(certificate.GetRawCertData()), pinned);
        await client.ConnectAsync(server.Host, server.Port, server.Security, ct);
        if (!string.IsNullOrEmpty(server.Username))
            await client.AuthenticateAsync(server.Username, server.Password ?? "", ct);
        await client.SendAsync(mime, ct);
        await client.DisconnectAsync(true, ct);
    }

    private sealed record Server(string Host, int Port, SecureSocketOptions Security, string? Username, string? Password,
        byte[]? PinnedSha256 = null);

    private Server? Resolve(UserPool pool)
    {
        if (!string.IsNullOrWhiteSpace(pool.SmtpHost))
        {
            var password = pool.SmtpPasswordSealed is null ? null : Encoding.UTF8.GetString(sealer.Unseal(pool.SmtpPasswordSealed));
            return new Server(pool.SmtpHost, pool.SmtpPort ?? 587, ParseSecurity(pool.SmtpSecurity), pool.SmtpUsername, password);
        }
        var o = options.Value;
        return string.IsNullOrWhiteSpace(o.Host) ? null
            : new Server(o.Host, o.Port, ParseSecurity(o.Security), o.Username, o.Password, ParsePin(o.TrustedCertificateSha256));
    }

    // Note: a malformed pin fails loudly at the first send rather than silently trusting nothing (or everything).
    private static byte[]? ParsePin(string? hex) => string.IsNullOrWhiteSpace(hex) ? null
        : Convert.FromHexString(hex.Replace(":", "").Trim()) is { Length: 32 } pin ? pin
        : throw new InvalidOperationException("GenAuth:Smtp:TrustedCertificateSha256 must be a SHA-256 (64 hex digits)");

    private static SecureSocketOptions ParseSecurity(string? value) => value?.ToLowerInvariant() switch
    {
        "none" => SecureSocketOptions.None,
        "starttls" => SecureSocketOptions.StartTls,
        "ssl" or "sslonconnect" or "tls" => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}
