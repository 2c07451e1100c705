using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Admin;

/// <summary>Administration of the registration whitelists (RegistrationGate enforces them).</summary>
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
            db.WhitelistEntries.Add(new WhitelistEntry { Id = Ids.New(clock), UserPoolId = pool.Id, Type = type, Value = value, CreatedAt = now });
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

    private static string Normalize(string type, string value) => type switch
    {
        "EMAIL" => Validation.NormalizeEmail(Validation.RequireEmail(value, ErrorCodes.InvalidEmail)),
        // Note: the form RegistrationGate compares with: the national number, as users' phones are stored.
        "PHONE" => PhoneNumbersParser.Require(value, null).National,
        "USERNAME" => Validation.RequireUsername(value),
        _ => throw new GenAuthException(ErrorCodes.BadRequest, detail: "type must be USERNAME, EMAIL or PHONE"),
    };

    private static string NormalizeLoose(string type, string value) => type switch
    {
        "EMAIL" => Validation.NormalizeEmail(value),
        "PHONE" => TryNational(value),
        _ => value,
    };

    private static string TryNational(string value)
    {
        try
        {
            return PhoneNumbersParser.Require(value, null).National;
        }
        catch (GenAuthException)
        {
            return Validation.PhoneKey(value);
        }
    }
}
