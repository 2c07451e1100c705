using GenAuth.Core.Data;

namespace GenAuth.Core.Codes;

/// <summary>
/// One code (or one-time token) sent to a target: bound to pool, channel, target and scene, stored as a keyed hash,
/// single use, with an expiry and a budget of wrong tries.
/// </summary>
public sealed class VerificationCode : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }

    /// <summary>sms, email, or token (one-time action tokens whose target is a user id).</summary>
    public required string Channel { get; set; }

    /// <summary>E.164 phone, normalised email, or user id.</summary>
    public required string Target { get; set; }
    public required string Scene { get; set; }
    public required byte[] CodeHash { get; set; }
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? ConsumedAt { get; set; }
}
