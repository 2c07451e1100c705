using GenAuth.Core.Common;
using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Users;

/// <summary>Email, username and phone are unique in a pool: checked first for a clear error, and by the database.</summary>
internal static class UserUniqueness
{
    public static async Task EnsureAsync(GenAuthDbContext db, User user, CancellationToken ct)
    {
        var others = db.Users.Where(u => u.Id != user.Id);
        if (user.EmailNormalized is not null && await others.AnyAsync(u => u.EmailNormalized == user.EmailNormalized, ct))
            throw new GenAuthException(ErrorCodes.EmailRegistered);
        if (user.Username is not null && await others.AnyAsync(u => u.Username == user.Username, ct))
            throw new GenAuthException(ErrorCodes.UsernameExists);
        if (user.Phone is not null && await others.AnyAsync(u => u.Phone == user.Phone, ct))
            throw new GenAuthException(ErrorCodes.PhoneRegistered);
    }

    /// <summary>Saves; a unique-index violation (a concurrent write won the race) becomes 2026.</summary>
    public static async Task SaveAsync(GenAuthDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            throw new GenAuthException(
                DbErrors.IsUniqueViolation(e, "UniqueValue") ? ErrorCodes.CustomFieldValueTaken
                : DbErrors.IsUniqueViolation(e, "Email") ? ErrorCodes.EmailRegistered
                : DbErrors.IsUniqueViolation(e, "Username") ? ErrorCodes.UsernameExists
                : DbErrors.IsUniqueViolation(e, "Phone") ? ErrorCodes.PhoneRegistered
                : ErrorCodes.AlreadyExists);
        }
    }
}
