using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Users;

/// <summary>
/// Fills the look-alike keys (normalised username, username and email skeletons, NFKC email key) of users written
/// before they existed. SQLite can't compute NFKC or skeletons, so this runs in code right after the migrations, and
/// only touches rows still missing a key. Older accounts win: when two existing users collide, the later one (by
/// creation) keeps null keys, which the unique indexes allow, and still signs in by its exact username or email; it is
/// never renamed and the migration never fails. Later rows are re-examined on each start (there are few).
/// </summary>
public static class IdentifierBackfill
{
    private const int Batch = 500;

    public static async Task<int> RunAsync(GenAuthDbContext db, CancellationToken ct)
    {
        var filled = 0;
        var afterCreated = DateTime.MinValue;
        var afterId = "";
        while (true)
        {
            // Note: IgnoreQueryFilters: the backfill runs outside any request, for every pool.
            var rows = await db.Users.IgnoreQueryFilters()
                .Where(u => (u.Username != null && u.UsernameSkeleton == null) || (u.EmailNormalized != null && u.EmailSkeleton == null))
                .Where(u => u.CreatedAt > afterCreated || (u.CreatedAt == afterCreated && string.Compare(u.Id, afterId) > 0))
                .OrderBy(u => u.CreatedAt).ThenBy(u => u.Id)
                .Take(Batch).ToListAsync(ct);
            if (rows.Count == 0)
                return filled;
            foreach (var user in rows)
            {
                if (await FillAsync(db, user, ct))
                    filled++;
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            afterCreated = rows[^1].CreatedAt;
            afterId = rows[^1].Id;
        }
    }

    /// <summary>Sets the keys the user lacks that no other user of its pool holds; true when any was set.</summary>
    private static async Task<bool> FillAsync(GenAuthDbContext db, User user, CancellationToken ct)
    {
        var changed = false;
        var others = db.Users.IgnoreQueryFilters().Where(u => u.UserPoolId == user.UserPoolId && u.Id != user.Id);
        var local = db.Users.Local.Where(u => u.UserPoolId == user.UserPoolId && u.Id != user.Id).ToList();
        if (user.Username is not null && user.UsernameSkeleton is null)
        {
            var key = Identifiers.NormalizeUsername(user.Username);
            var skeleton = Identifiers.UsernameSkeleton(user.Username);
            if (user.UsernameNormalized is null && !local.Any(u => u.UsernameNormalized == key)
                && !await others.AnyAsync(u => u.UsernameNormalized == key, ct))
            {
                user.UsernameNormalized = key;
                changed = true;
            }
            if (!local.Any(u => u.UsernameSkeleton == skeleton) && !await others.AnyAsync(u => u.UsernameSkeleton == skeleton, ct))
            {
                user.UsernameSkeleton = skeleton;
                changed = true;
            }
        }
        if (user.EmailNormalized is not null && user.EmailSkeleton is null && user.Email is not null)
        {
            var key = Validation.NormalizeEmail(user.Email);
            var skeleton = Identifiers.EmailSkeleton(key);
            var keyFree = key == user.EmailNormalized
                          || (!local.Any(u => u.EmailNormalized == key) && !await others.AnyAsync(u => u.EmailNormalized == key, ct));
            if (keyFree && !local.Any(u => u.EmailSkeleton == skeleton) && !await others.AnyAsync(u => u.EmailSkeleton == skeleton, ct))
            {
                user.EmailNormalized = key; // sets EmailSkeleton too
                changed = true;
            }
        }
        return changed;
    }
}
