using GenAuth.Core.Data;

namespace GenAuth.Core.Audit;

/// <summary>
/// One security-relevant event: the outbox row every outlet (audit queries, the live subscription, later webhooks)
/// reads. Written in the SaveChanges of the change it records, so a rolled-back change leaves none.
/// </summary>
/// <remarks>
/// Id is the database's autoincrement: on SQLite writers serialise, so ids are committed in id order and a reader
/// that resumes "after id N" misses nothing. (On a database with concurrent writers a reader must stay behind the
/// oldest open transaction; see README, "Event log".) Detail holds names and codes, never secret values.
/// </remarks>
public sealed class AuditEvent : IPoolOwned
{
    public long Id { get; set; }
    public required string UserPoolId { get; set; }
    public DateTime CreatedAt { get; set; }
    public string? AppId { get; set; }

    /// <summary>GenAuth's event name (login, register, updatePassword, …; see <see cref="AuditEventTypes"/>).</summary>
    public required string Type { get; set; }

    /// <summary>user, admin or system.</summary>
    public required string ActorKind { get; set; }

    /// <summary>The user's id (actor user), the admin token's user id when it names one, else null.</summary>
    public string? ActorId { get; set; }

    /// <summary>The user the event is about (the signed-in user, the admin's target), when a user.</summary>
    public string? UserId { get; set; }

    /// <summary>What was acted on when it isn't a user (an app, a group, a role…), as kind:id.</summary>
    public string? Target { get; set; }

    public string? Ip { get; set; }
    public string? UserAgent { get; set; }

    /// <summary>success, failure or challenge (a second factor is asked).</summary>
    public required string Outcome { get; set; }

    /// <summary>GenAuth's error code when refused.</summary>
    public int? ErrorCode { get; set; }

    /// <summary>A small JSON object: the way in, the names of changed fields, a reason. Never secret values.</summary>
    public string? Detail { get; set; }
}

/// <summary>Who caused an event.</summary>
public static class AuditActors
{
    public const string User = "user";
    public const string Admin = "admin";
    public const string System = "system";
}

public static class AuditOutcomes
{
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Challenge = "challenge";
}
