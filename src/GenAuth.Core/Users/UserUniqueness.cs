using GenAuth.Core.Common;
using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Users;

/// <summary>
/// Email, username and phone are unique in a pool, and so are the look-alike keys of email and username (normalised
/// form and UTS #39 skeleton, see <see cref="Identifiers"/>): checked first for a clear error, and by the database.
/// </summary>
internal static class UserUniqueness
{
    public static async Task EnsureAsync(GenAuthDbContext db, User user, CancellationToken ct)
    {
        var others = db.Users.Where(u => u.Id != user.Id);
        if (user.EmailNormalized is not null && await others.AnyAsync(u => u.EmailNormalized == user.EmailNormalized, ct))
            throw new GenAuthException(ErrorCodes.EmailRegistered);
        // Note: an older row whose skeleton collided keeps a null one (IdentifierBackfill) and may still be edited.
        if (user.EmailSkeleton is not null && await others.AnyAsync(u => u.EmailSkeleton == user.EmailSkeleton, ct))
            throw new GenAuthException(ErrorCodes.EmailLookAlike);
        // Note: the keys are null only on an older row whose key collided (see IdentifierBackfill); null matches nothing.
        var key = user.UsernameNormalized;
        if (user.Username is not null
            && await others.AnyAsync(u => u.Username == user.Username || (key != null && u.UsernameNormalized == key), ct))
            throw new GenAuthException(ErrorCodes.UsernameExists);
        if (user.UsernameSkeleton is not null && await others.AnyAsync(u => u.UsernameSkeleton == user.UsernameSkeleton, ct))
            throw new GenAuthException(ErrorCodes.UsernameLookAlike);
        if (user.Phone is not null && await others.AnyAsync(u => u.Phone == user.Phone, ct))
            throw new GenAuthException(ErrorCodes.PhoneRegistered);
    }

    /// <summary>The email (normalised, then its look-alike key) belongs to no other user of the pool; else 2026.</summary>
    public static async Task EnsureEmailFreeAsync(GenAuthDbContext db, string userId, string normalizedEmail, CancellationToken ct)
    {
        var others = db.Users.Where(u => u.Id != userId);
        if (await others.AnyAsync(u => u.EmailNormalized == normalizedEmail, ct))
            throw new GenAuthException(ErrorCodes.EmailRegistered);
        var skeleton = Identifiers.EmailSkeleton(normalizedEmail);
        if (await others.AnyAsync(u => u.EmailSkeleton == skeleton, ct))
            throw new GenAuthException(ErrorCodes.EmailLookAlike);
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
                : DbErrors.IsUniqueViolation(e, "EmailSkeleton") ? ErrorCodes.EmailLookAlike
                : DbErrors.IsUniqueViolation(e, "UsernameSkeleton") ? ErrorCodes.UsernameLookAlike
                : DbErrors.IsUniqueViolation(e, "Email") ? ErrorCodes.EmailRegistered
                : DbErrors.IsUniqueViolation(e, "Username") ? ErrorCodes.UsernameExists
                : DbErrors.IsUniqueViolation(e, "Phone") ? ErrorCodes.PhoneRegistered
                : ErrorCodes.AlreadyExists);
        }
    }
}
