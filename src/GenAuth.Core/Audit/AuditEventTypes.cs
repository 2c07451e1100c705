namespace GenAuth.Core.Audit;

/// <summary>
/// Event names. Where GenAuth names the action (the SDK's SupportedUserActionEnum and SupportedAdminActionEnum, which
/// /api/v2/analysis filters by), that name; the rest follow the same camelCase style. Admin GraphQL mutations are
/// recorded under their mutation name (createUser, deleteUser, updateUser, …).
/// </summary>
public static class AuditEventTypes
{
    // GenAuth's user actions (SupportedUserActionEnum).
    public const string Login = "login";
    public const string Register = "register";
    public const string DeleteAccount = "deleteAccount";
    public const string UpdateUserinfo = "updateUserinfo";
    public const string RefreshToken = "refreshToken";
    public const string UpdateEmail = "updateEmail";
    public const string UpdatePhone = "updatePhone";
    public const string UpdatePassword = "updatePassword";
    public const string VerifyMfa = "verifyMfa";

    // GenAuth's admin actions (SupportedAdminActionEnum).
    public const string CreateUser = "createUser";
    public const string DeleteUser = "deleteUser";
    public const string DeleteUsers = "deleteUsers";
    public const string RefreshSecret = "refreshSecret";
    public const string UserpoolUpdateConfig = "userpool:UpdateConfig";
    public const string RefreshUserpoolSecret = "refreshUserpoolSecret";

    // Ours, in the same style.
    public const string Logout = "logout";
    public const string ResetPassword = "resetPassword";
    public const string BindEmail = "bindEmail";
    public const string BindPhone = "bindPhone";
    public const string UnbindEmail = "unbindEmail";
    public const string UnbindPhone = "unbindPhone";
    public const string VerifyEmail = "verifyEmail";
    public const string EnrollMfa = "enrollMfa";
    public const string ResetMfa = "resetMfa";
    public const string RevokeSession = "revokeSession";
    public const string RevokeToken = "revokeToken";

    /// <summary>The OIDC token endpoint issued tokens (authorization code exchange, client credentials).</summary>
    public const string IssueToken = "issueToken";
    public const string BlockUser = "blockUser";
    public const string UnblockUser = "unblockUser";

    /// <summary>The user actions (GET /api/v2/analysis/user-action); every other type is an admin action (…/audit).</summary>
    public static readonly IReadOnlySet<string> UserActions = new HashSet<string>(StringComparer.Ordinal)
    {
        Login, Register, DeleteAccount, UpdateUserinfo, RefreshToken, UpdateEmail, UpdatePhone, UpdatePassword, VerifyMfa,
        Logout, IssueToken, ResetPassword, BindEmail, BindPhone, UnbindEmail, UnbindPhone, VerifyEmail, EnrollMfa, RevokeSession,
    };
}
