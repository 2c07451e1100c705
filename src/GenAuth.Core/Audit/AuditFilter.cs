namespace GenAuth.Core.Audit;

/// <summary>What an audit query or a live feed asks for; every criterion given must hold.</summary>
public sealed record AuditFilter
{
    public const int MaxTypes = 50;

    public IReadOnlyList<string>? Types { get; init; }
    public string? UserId { get; init; }
    public string? ActorId { get; init; }
    public string? AppId { get; init; }
    public string? Ip { get; init; }
    public DateTime? From { get; init; }
    public DateTime? To { get; init; }
    public string? Outcome { get; init; }

    public IQueryable<AuditEvent> Apply(IQueryable<AuditEvent> q)
    {
        if (Types is { Count: > 0 } types)
            q = q.Where(e => types.Contains(e.Type));
        if (UserId is { } user)
            q = q.Where(e => e.UserId == user);
        if (ActorId is { } actor)
            q = q.Where(e => e.ActorId == actor);
        if (AppId is { } app)
            q = q.Where(e => e.AppId == app);
        if (Ip is { } ip)
            q = q.Where(e => e.Ip == ip);
        if (From is { } from)
            q = q.Where(e => e.CreatedAt >= from);
        if (To is { } to)
            q = q.Where(e => e.CreatedAt < to);
        if (Outcome is { } outcome)
            q = q.Where(e => e.Outcome == outcome);
        return q;
    }

    public bool Matches(AuditEvent e) =>
        (Types is not { Count: > 0 } || Types.Contains(e.Type))
        && (UserId is null || e.UserId == UserId)
        && (ActorId is null || e.ActorId == ActorId)
        && (AppId is null || e.AppId == AppId)
        && (Ip is null || e.Ip == Ip)
        && (From is null || e.CreatedAt >= From)
        && (To is null || e.CreatedAt < To)
        && (Outcome is null || e.Outcome == Outcome);
}
