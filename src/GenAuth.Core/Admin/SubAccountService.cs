using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Admin;

/// <summary>
/// Sub-accounts (GenAuth's console makes them; the SDK only signs in to one with loginBySubAccount): a user of the same pool
/// with its own identifiers and password, attached to a main account. It goes with its main account (deleting the main
/// deletes it) and can't sign in while the main account is blocked or deleted. Sub-accounts don't nest.
/// </summary>
public sealed class SubAccountService(GenAuthDbContext db, CallerContext caller, UserAdminService users)
{
    /// <summary>The most sub-accounts one main account may have.</summary>
    public const int MaxPerUser = 50;

    public async Task<UserView> CreateAsync(string mainUserId, string? username, string? password, string? nickname, CancellationToken ct)
    {
        caller.RequireAdmin();
        var main = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == mainUserId && !u.IsDeleted, ct)
                   ?? throw new GenAuthException(ErrorCodes.UserNotFound);
        if (main.MainUserId is not null)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "a sub-account can't have sub-accounts");
        if (string.IsNullOrWhiteSpace(username) || string.IsNullOrEmpty(password))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "username and password are required");
        if (await db.Users.CountAsync(u => u.MainUserId == mainUserId && !u.IsDeleted, ct) >= MaxPerUser)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"a user has at most {MaxPerUser} sub-accounts");
        var input = new ProfileInput { ["username"] = username, ["password"] = password };
        if (nickname is not null)
            input["nickname"] = nickname;
        return await users.CreateAsync(input, keepPassword: false, resetPasswordOnFirstLogin: false, customData: null, ct, mainUserId);
    }

    public async Task<IReadOnlyList<User>> ListAsync(string mainUserId, CancellationToken ct)
    {
        caller.RequireAdmin();
        if (!await db.Users.AnyAsync(u => u.Id == mainUserId && !u.IsDeleted, ct))
            throw new GenAuthException(ErrorCodes.UserNotFound);
        return await db.Users.AsNoTracking().Where(u => u.MainUserId == mainUserId && !u.IsDeleted)
            .OrderBy(u => u.CreatedAt).ThenBy(u => u.Id).Take(MaxPerUser).ToListAsync(ct);
    }
}
