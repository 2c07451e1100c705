using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Users;

/// <summary>Finding a live user by an identifier, the same way in every flow.</summary>
public static class UserLookup
{
    /// <summary>Users store the national number and country code, as GenAuth does; older rows may lack the country code.</summary>
    public static Task<User?> FindByPhoneAsync(GenAuthDbContext db, Phone phone, CancellationToken ct) =>
        db.Users.Where(u => !u.IsDeleted && (u.Phone == phone.National || u.Phone == phone.E164)
                            && (u.PhoneCountryCode == null || u.PhoneCountryCode == phone.CountryCode))
            .FirstOrDefaultAsync(ct);

    public static Task<User?> FindByEmailAsync(GenAuthDbContext db, string email, CancellationToken ct)
    {
        var normalized = Validation.NormalizeEmail(email);
        return db.Users.FirstOrDefaultAsync(u => u.EmailNormalized == normalized && !u.IsDeleted, ct);
    }

    /// <summary>The signed-in caller's own row; another user's id is refused (Forbidden), a deleted one is not found.</summary>
    public static async Task<User> RequireSelfAsync(GenAuthDbContext db, CallerContext caller, string? id, bool tracked,
        CancellationToken ct)
    {
        var userId = caller.RequireUserId();
        if (!string.IsNullOrEmpty(id) && id != userId)
            throw new GenAuthException(ErrorCodes.Forbidden);
        var query = tracked ? db.Users : db.Users.AsNoTracking();
        var user = await query.FirstOrDefaultAsync(u => u.Id == userId && !u.IsDeleted, ct);
        return user ?? throw new GenAuthException(ErrorCodes.UserNotFound);
    }
}
