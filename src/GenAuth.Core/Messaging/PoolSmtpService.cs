using System.Text;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Messaging;

/// <summary>A pool's own mail server; null leaves a value as is, an empty host clears the whole setting.</summary>
public sealed record PoolSmtpInput(string? Host, int? Port, string? Security, string? Username, string? Password, string? From);

/// <summary>The SMTP settings an admin sees: never the password, only whether one is set.</summary>
public sealed record PoolSmtpView(string? Host, int? Port, string? Security, string? Username, bool PasswordSet, string? From);

/// <summary>Per-pool SMTP (used by SmtpMailer before GenAuth:Smtp); the password is sealed with the master key.</summary>
public sealed class PoolSmtpService(GenAuthDbContext db, CallerContext caller, SecretSealer sealer, PoolDirectory directory, TimeProvider clock)
{
    private static readonly string[] Securities = ["Auto", "None", "StartTls", "SslOnConnect"];

    public PoolSmtpView Get() => View(caller.RequireAdmin());

    public async Task<PoolSmtpView> UpdateAsync(PoolSmtpInput input, CancellationToken ct)
    {
        var poolId = caller.RequireAdmin().Id;
        var pool = await db.UserPools.FirstOrDefaultAsync(p => p.Id == poolId, ct) ?? throw new GenAuthException(ErrorCodes.UserPoolNotFound);
        if (input.Host is "")
        {
            pool.SmtpHost = pool.SmtpSecurity = pool.SmtpUsername = pool.EmailFrom = null;
            pool.SmtpPort = null;
            pool.SmtpPasswordSealed = null;
        }
        else
        {
            if (input.Port is { } port && port is < 1 or > 65535)
                throw new GenAuthException(ErrorCodes.BadRequest, detail: "port must be 1 to 65535");
            var security = input.Security is null ? null
                : Securities.FirstOrDefault(s => s.Equals(input.Security, StringComparison.OrdinalIgnoreCase))
                  ?? throw new GenAuthException(ErrorCodes.BadRequest, detail: "security must be Auto, None, StartTls or SslOnConnect");
            if (input.From is { } from && !MimeKit.MailboxAddress.TryParse(from, out _))
                throw new GenAuthException(ErrorCodes.InvalidEmailAddress, detail: "from");
            pool.SmtpHost = input.Host?.Trim() ?? pool.SmtpHost;
            pool.SmtpPort = input.Port ?? pool.SmtpPort;
            pool.SmtpSecurity = security ?? pool.SmtpSecurity;
            pool.SmtpUsername = input.Username ?? pool.SmtpUsername;
            pool.EmailFrom = input.From ?? pool.EmailFrom;
            if (input.Password is not null)
                pool.SmtpPasswordSealed = input.Password.Length == 0 ? null : sealer.Seal(Encoding.UTF8.GetBytes(input.Password));
        }
        pool.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        directory.Forget(pool.Id);
        return View(pool);
    }

    private static PoolSmtpView View(UserPool p) =>
        new(p.SmtpHost, p.SmtpPort, p.SmtpSecurity, p.SmtpUsername, p.SmtpPasswordSealed is not null, p.EmailFrom);
}
