using GenAuth.Core.Callers;
using GenAuth.Core.Common;

namespace GenAuth.Core.Users;

/// <summary>
/// Applies a caller's input to a user row: profile fields for everyone, the checked admin-only fields (email, phone,
/// password, flags, counters) for admins. Used by registration, updateUser and the admin's createUser.
/// </summary>
public sealed class UserWriter(CallerContext caller, UserPasswords passwords, TimeProvider clock)
{
    /// <summary>Admin writes (createUser, updateUser): every field, checked.</summary>
    public async Task<AdminWrite> ApplyAdminInputAsync(User user, ProfileInput input, CancellationToken ct)
    {
        var write = await ApplyAdminFieldsAsync(user, input, ct);
        ApplyProfile(user, input, registering: false);
        return write;
    }

    /// <summary>The profile fields of the input; at registration the admin-only fields are refused, later they are skipped.</summary>
    public static void ApplyProfile(User user, ProfileInput input, bool registering)
    {
        foreach (var (key, value) in input)
        {
            switch (key)
            {
                case "username":
                    if (value is not null)
                        user.Username = Validation.RequireUsername(value as string);
                    break;
                case "ip" or "udf" when registering:
                    break;
                case "email" or "phone" or "password" or "emailVerified" or "phoneVerified" or "blocked"
                    or "loginsCount" or "lastLogin" or "lastIP" or "tokenExpiredAt" or "registerSource" or "signedUp"
                    or "isDeleted" or "phoneCountryCode":
                    if (registering)
                        throw new GenAuthException(ErrorCodes.Forbidden, detail: $"'{key}' can't be set at registration");
                    break; // admin fields were applied by ApplyAdminFieldsAsync
                default:
                    UserFields.Apply(user, key, value?.ToString());
                    break;
            }
        }
    }

    /// <summary>Applies the fields only an admin may set, and says which of the user's sessions must end.</summary>
    public async Task<AdminWrite> ApplyAdminFieldsAsync(User user, ProfileInput input, CancellationToken ct)
    {
        var endSessions = false;
        var credentials = false;
        var pool = caller.RequirePool();
        if (input.TryGetValue("email", out var email))
        {
            var before = user.EmailNormalized;
            user.Email = email is null ? null : Validation.RequireEmail(email as string, ErrorCodes.InvalidEmail);
            user.EmailNormalized = user.Email is null ? null : Validation.NormalizeEmail(user.Email);
            credentials |= user.EmailNormalized != before;
        }
        if (input.TryGetValue("phone", out var phone))
        {
            var before = (user.Phone, user.PhoneCountryCode);
            // Note: the same parsing and stored form (national number + country code) as the code flows use.
            var parsed = phone is null ? null
                : PhoneNumbersParser.Require(phone as string, input.GetValueOrDefault("phoneCountryCode") as string);
            user.Phone = parsed?.National;
            user.PhoneCountryCode = parsed?.CountryCode;
            credentials |= (user.Phone, user.PhoneCountryCode) != before;
        }
        if (input.TryGetValue("emailVerified", out var ev) && ev is bool emailVerified)
            user.EmailVerified = emailVerified;
        if (input.TryGetValue("phoneVerified", out var pv) && pv is bool phoneVerified)
            user.PhoneVerified = phoneVerified;
        if (input.TryGetValue("blocked", out var bl) && bl is bool blocked)
        {
            endSessions |= blocked && !user.Blocked;
            user.Blocked = blocked;
            user.Status = blocked ? "Suspended" : "Activated";
        }
        if (input.TryGetValue("loginsCount", out var lc) && lc is int logins)
            user.LoginsCount = logins;
        if (input.TryGetValue("lastLogin", out var ll) && ll is string lastLogin)
            user.LastLogin = Validation.RequireTime(lastLogin, "lastLogin");
        if (input.TryGetValue("signedUp", out var su) && su is string signedUp)
            user.SignedUp = Validation.RequireTime(signedUp, "signedUp");
        if (!input.ContainsKey("phone") && input.TryGetValue("phoneCountryCode", out var pcc))
            user.PhoneCountryCode = pcc as string;
        if (input.TryGetValue("lastIP", out var ip))
            user.LastIp = ip as string;
        if (input.TryGetValue("registerSource", out var rs) && rs is IEnumerable<object?> sources)
            user.RegisterSource = string.Join(',', sources.OfType<string>());
        if (input.TryGetValue("tokenExpiredAt", out var te) && te is string tokenExpiredAt)
            endSessions |= Validation.RequireTime(tokenExpiredAt, "tokenExpiredAt") <= clock.GetUtcNow().UtcDateTime;
        if (input.TryGetValue("password", out var pw) && pw is string password)
        {
            var plain = await passwords.DecryptAsync(pool.Id, password, ct);
            passwords.RequireAcceptable(pool, plain);
            await passwords.SetAsync(user, plain, ct);
            credentials = true;
        }
        return new AdminWrite(endSessions, credentials);
    }
}

/// <summary>What an admin's write means for the user's sessions.</summary>
/// <param name="EndSessions">Blocked, or tokens expired by the admin: the sessions end whatever the admin asked.</param>
/// <param name="CredentialsChanged">
/// The password, email or phone changed (an identifier a session may have been proven with, or a credential someone
/// else may hold): the sessions end unless the admin explicitly keeps them.
/// </param>
public readonly record struct AdminWrite(bool EndSessions, bool CredentialsChanged);
