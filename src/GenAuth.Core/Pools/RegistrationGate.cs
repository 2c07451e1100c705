using GenAuth.Core.Common;
using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Pools;

/// <summary>Self-registration rules of a pool: registration switch and the per-type whitelist. Admin creation bypasses both.</summary>
public sealed class RegistrationGate
{
    public async Task RequireAllowedAsync(GenAuthDbContext db, UserPool pool, string type, string value, CancellationToken ct)
    {
        if (pool.RegisterDisabled)
            throw new GenAuthException(ErrorCodes.RegistrationDisabled);
        var enabled = type switch
        {
            WhitelistEntry.Phone => pool.WhitelistPhoneEnabled,
            WhitelistEntry.Email => pool.WhitelistEmailEnabled,
            WhitelistEntry.Username => pool.WhitelistUsernameEnabled,
            _ => false,
        };
        if (enabled && !await db.WhitelistEntries.AnyAsync(w => w.Type == type && w.Value == value, ct))
            throw new GenAuthException(ErrorCodes.NotWhitelisted);
    }

    public async Task<bool> IsAllowedAsync(GenAuthDbContext db, UserPool pool, string type, string value, CancellationToken ct)
    {
        try
        {
            await RequireAllowedAsync(db, pool, type, value, ct);
            return true;
        }
        catch (GenAuthException)
        {
            return false;
        }
    }
}
