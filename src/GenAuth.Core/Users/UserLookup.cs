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
        var queries = SelfQueries.For(db);
        var user = await (tracked ? queries.Tracked(db, userId, ct) : queries.Untracked(db, userId, ct));
        return user ?? throw new GenAuthException(ErrorCodes.UserNotFound);
    }

    // Note: compiled once per model: every authenticated `user` query reads this row, and building the LINQ
    // expression, finding it in EF's query cache and extracting its parameter cost about as much CPU as running it
    // (P2's profile: 10 of 24 %). One pair per model (PerModel).
    private static readonly PerModel<CompiledSelf> SelfQueries = new(static () => new CompiledSelf());

    private sealed class CompiledSelf
    {
        public readonly Func<GenAuthDbContext, string, CancellationToken, Task<User?>> Untracked =
            EF.CompileAsyncQuery((GenAuthDbContext db, string id, CancellationToken ct) =>
                db.Users.AsNoTracking().FirstOrDefault(u => u.Id == id && !u.IsDeleted));

        public readonly Func<GenAuthDbContext, string, CancellationToken, Task<User?>> Tracked =
            EF.CompileAsyncQuery((GenAuthDbContext db, string id, CancellationToken ct) =>
                db.Users.FirstOrDefault(u => u.Id == id && !u.IsDeleted));
    }
}
