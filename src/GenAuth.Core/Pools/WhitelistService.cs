using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Pools;

/// <summary>Registration whitelists: when a type is enabled on the pool, only listed values of that type may register.</summary>
public sealed class WhitelistService(GenAuthDbContext db, CallerContext caller, TimeProvider clock)
{
    public static readonly string[] Types = ["USERNAME", "EMAIL", "PHONE"];

    public async Task<IReadOnlyList<WhitelistEntry>> ListAsync(string type, CancellationToken ct)
    {
        caller.RequireAdmin();
        return await db.WhitelistEntries.AsNoTracking().Where(e => e.Type == type).OrderBy(e => e.Id).ToListAsync(ct);
    }

    /// <summary>Adds values (already listed ones are kept); answers the entries for the given values.</summary>
    public async Task<IReadOnlyList<WhitelistEntry>> AddAsync(string type, IReadOnlyList<string> list, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        var values = list.Select(v => Normalize(type, v)).Distinct().ToList();
        var existing = await db.WhitelistEntries.Where(e => e.Type == type && values.Contains(e.Value)).Select(e => e.Value).ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var value in values.Except(existing))
            db.WhitelistEntries.Add(new WhitelistEntry { UserPoolId = pool.Id, Type = type, Value = value, CreatedAt = now, UpdatedAt = now });
        await db.SaveChangesAsync(ct);
        return await db.WhitelistEntries.AsNoTracking().Where(e => e.Type == type && values.Contains(e.Value)).OrderBy(e => e.Id).ToListAsync(ct);
    }

    /// <summary>Removes values; answers the entries that were removed.</summary>
    public async Task<IReadOnlyList<WhitelistEntry>> RemoveAsync(string type, IReadOnlyList<string> list, CancellationToken ct)
    {
        caller.RequireAdmin();
        var values = list.Select(v => NormalizeLoose(type, v)).Distinct().ToList();
        var removed = await db.WhitelistEntries.AsNoTracking().Where(e => e.Type == type && values.Contains(e.Value)).ToListAsync(ct);
        await db.WhitelistEntries.Where(e => e.Type == type && values.Contains(e.Value)).ExecuteDeleteAsync(ct);
        return removed;
    }

    /// <summary>Refuses a registration whose email, phone or username is not listed while that whitelist is on (2603).</summary>
    public static async Task EnsureMayRegisterAsync(GenAuthDbContext db, UserPool pool, User user, CancellationToken ct)
    {
        if (pool.WhitelistEmailEnabled && user.EmailNormalized is { } email && !await ListedAsync(db, "EMAIL", email, ct))
            throw new GenAuthException(ErrorCodes.NotInWhitelist);
        if (pool.WhitelistPhoneEnabled && user.Phone is { } phone && !await ListedAsync(db, "PHONE", Validation.PhoneKey(phone), ct))
            throw new GenAuthException(ErrorCodes.NotInWhitelist);
        if (pool.WhitelistUsernameEnabled && user.Username is { } username && !await ListedAsync(db, "USERNAME", username, ct))
            throw new GenAuthException(ErrorCodes.NotInWhitelist);
    }

    private static Task<bool> ListedAsync(GenAuthDbContext db, string type, string value, CancellationToken ct) =>
        db.WhitelistEntries.AnyAsync(e => e.Type == type && e.Value == value, ct);

    private static string Normalize(string type, string value) => type switch
    {
        "EMAIL" => Validation.NormalizeEmail(Validation.RequireEmail(value, ErrorCodes.InvalidEmail)),
        "PHONE" => Validation.PhoneKey(Validation.RequirePhone(value)),
        "USERNAME" => Validation.RequireUsername(value),
        _ => throw new GenAuthException(ErrorCodes.BadRequest, detail: "type must be USERNAME, EMAIL or PHONE"),
    };

    private static string NormalizeLoose(string type, string value) => type switch
    {
        "EMAIL" => Validation.NormalizeEmail(value),
        "PHONE" => Validation.PhoneKey(value),
        _ => value,
    };
}
