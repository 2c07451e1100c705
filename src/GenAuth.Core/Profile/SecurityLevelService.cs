using GenAuth.Core.Data;
using GenAuth.Core.Mfa;
using GenAuth.Core.Users;

namespace GenAuth.Core.Profile;

/// <summary>GenAuth's SecurityLevel: what protects the account, and a 0-100 score.</summary>
public sealed record SecurityLevel(int Score, bool Email, bool Phone, bool Password, int? PasswordSecurityLevel, bool Mfa);

public sealed class SecurityLevelService(AccountService accounts, GenAuthDbContext db)
{
    public async Task<SecurityLevel> GetAsync(CancellationToken ct)
    {
        var user = await accounts.RequireSelfAsync(null, tracked: false, ct);
        return Compute(user, mfa: await MfaGate.HasEnrolledFactorAsync(db, user.Id, ct));
    }

    /// <summary>
    /// Password 30 (+0/+5/+10 for its strength), verified email 20 (10 unverified), verified phone 20 (10 unverified),
    /// MFA 20 (any enrolled factor).
    /// </summary>
    public static SecurityLevel Compute(User user, bool mfa)
    {
        var password = user.PasswordHash is not null;
        var email = user.Email is not null;
        var phone = !string.IsNullOrEmpty(user.Phone);
        var score = (password ? 30 + ((user.PasswordSecurityLevel ?? 1) - 1) * 5 : 0)
                    + (email ? (user.EmailVerified ? 20 : 10) : 0)
                    + (phone ? (user.PhoneVerified ? 20 : 10) : 0)
                    + (mfa ? 20 : 0);
        return new SecurityLevel(Math.Min(score, 100), email, phone, password, password ? user.PasswordSecurityLevel : null, mfa);
    }
}
