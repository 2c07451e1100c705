using GenAuth.Core.Common;
using GenAuth.Core.ExtIdps;
using GenAuth.Core.Users;

namespace GenAuth.Core.SignIn;

/// <summary>The identifier and password of a PASSWORD sign-in (one of account, email, username, phone).</summary>
public sealed record CredentialsPassword(string? Password, string? Account, string? Email, string? Username, string? Phone);

/// <summary>The one-time code of a PASSCODE sign-in, sent before to the email or the phone.</summary>
public sealed record CredentialsPassCode(string? PassCode, string? Email, string? Phone, string? PhoneCountryCode);

/// <summary>The directory login name (sAMAccountName) and password of an LDAP or AD sign-in.</summary>
public sealed record CredentialsDirectory(string? SAMAccountName, string? Password);

/// <summary>What /api/v3/signin (the SDK's signinByCredentials) asks.</summary>
public sealed record CredentialsSignIn(
    string? Connection,
    CredentialsPassword? Password,
    CredentialsPassCode? PassCode,
    CredentialsDirectory? Ldap,
    CredentialsDirectory? Ad,
    bool AutoRegister,
    string? ResponseType,
    string? PasswordEncryptType);

/// <summary>
/// GenAuth's v3 sign-in (POST /api/v3/signin, the SDK's signinByCredentials): each connection is one of the existing ways
/// in, so it runs the same pipeline with the same throttle keys and codes as the v2 calls — PASSWORD is loginByAccount/
/// loginByEmail/loginByUsername/loginByPhonePassword (autoRegister as there), PASSCODE is loginByEmailCode/
/// loginByPhoneCode, LDAP and AD are loginByLdap/loginByAD. Unknown account and wrong password both answer 2333.
/// </summary>
public sealed class CredentialsSignInService(PasswordSignInService passwords, CodeLoginService codes, DirectorySignInService directories)
{
    public async Task<UserView> SignInAsync(CredentialsSignIn input, CancellationToken ct)
    {
        // Note: an OIDC authorization code (responseType "code") or a token encrypted with SM2 would need what this
        // server doesn't issue here; they are refused before any credential is looked at.
        if (input.ResponseType is { Length: > 0 } responseType && responseType != "id_token token")
            throw new GenAuthException(ErrorCodes.FeatureNotSupported, detail: "responseType " + Clip(responseType));
        if (input.PasswordEncryptType is { Length: > 0 } encrypt && encrypt is not ("none" or "rsa"))
            throw new GenAuthException(ErrorCodes.FeatureNotSupported, detail: "passwordEncryptType " + Clip(encrypt));
        switch (input.Connection)
        {
            case "PASSWORD":
            {
                var p = input.Password ?? throw new GenAuthException(ErrorCodes.BadRequest, detail: "passwordPayload is required");
                var (method, account) = Present(p.Account) ? (LoginMethod.Account, p.Account)
                    : Present(p.Email) ? (LoginMethod.Email, p.Email)
                    : Present(p.Username) ? (LoginMethod.Username, p.Username)
                    : Present(p.Phone) ? (LoginMethod.Phone, p.Phone)
                    : throw new GenAuthException(ErrorCodes.BadRequest, detail: "passwordPayload needs account, email, username or phone");
                return input.AutoRegister && method != LoginMethod.Account
                    ? await passwords.LoginOrRegisterAsync(method, account, p.Password, ct)
                    : await passwords.LoginAsync(method, account, p.Password, ct).RequireSignedIn();
            }
            case "PASSCODE":
            {
                var c = input.PassCode ?? throw new GenAuthException(ErrorCodes.BadRequest, detail: "passCodePayload is required");
                if (Present(c.Email))
                    return await codes.LoginByEmailCodeAsync(c.Email, c.PassCode, ct).RequireSignedIn();
                if (Present(c.Phone))
                    return await codes.LoginByPhoneCodeAsync(c.Phone, c.PhoneCountryCode, c.PassCode, ct).RequireSignedIn();
                throw new GenAuthException(ErrorCodes.BadRequest, detail: "passCodePayload needs email or phone");
            }
            case "LDAP":
            case "AD":
            {
                var ldap = input.Connection == "LDAP";
                var d = (ldap ? input.Ldap : input.Ad)
                        ?? throw new GenAuthException(ErrorCodes.BadRequest, detail: (ldap ? "ldapPayload" : "adPayload") + " is required");
                return await directories.LoginAsync(ldap ? ConnTypes.Ldap : ConnTypes.Ad, d.SAMAccountName, d.Password, null, ct).RequireSignedIn();
            }
            default:
                throw new GenAuthException(ErrorCodes.BadRequest, detail: "connection must be PASSWORD, PASSCODE, LDAP or AD");
        }
    }

    private static bool Present(string? value) => !string.IsNullOrWhiteSpace(value);

    private static string Clip(string value) => TextCut.Clip(value, 32);
}
