namespace GenAuth.Core.Users;

/// <summary>A user as returned to callers: the row, plus the token when the operation issued or carries one.</summary>
public sealed record UserView(User User, string? Token = null, DateTimeOffset? TokenExpiresAt = null)
{
    /// <summary>True when this operation created the account.</summary>
    public bool NewlyCreated { get; init; }
}

/// <summary>Profile fields a caller supplied; null means "not supplied".</summary>
public sealed class ProfileInput : Dictionary<string, object?>
{
    public ProfileInput() : base(StringComparer.Ordinal) { }
}
