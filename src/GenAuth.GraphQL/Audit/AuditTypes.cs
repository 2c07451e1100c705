using GenAuth.Core.Audit;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Audit;

public sealed class AuditLogType : ObjectGraphType<AuditEvent>
{
    public AuditLogType()
    {
        Name = "AuditLog";
        Description = "One event of the pool's event log.";
        Field<NonNullGraphType<StringGraphType>>("id").Description("Increasing per database: the cursor to resume after.")
            .Resolve(c => AuditLogService.Cursor(c.Source.Id));
        Field<NonNullGraphType<StringGraphType>>("time").Resolve(c => c.Source.CreatedAt.Iso());
        Field<NonNullGraphType<StringGraphType>>("type").Description("GenAuth's event name (login, register, updatePassword, createUser, …).")
            .Resolve(c => c.Source.Type);
        Field<NonNullGraphType<StringGraphType>>("outcome").Description("success, failure or challenge.").Resolve(c => c.Source.Outcome);
        Field<IntGraphType>("errorCode").Resolve(c => c.Source.ErrorCode);
        Field<NonNullGraphType<StringGraphType>>("actorKind").Description("user, admin or system.").Resolve(c => c.Source.ActorKind);
        Field<StringGraphType>("actorId").Description("The acting user's id, or token:<hash> for a management token.").Resolve(c => c.Source.ActorId);
        Field<StringGraphType>("userId").Description("The user the event is about.").Resolve(c => c.Source.UserId);
        Field<StringGraphType>("target").Description("What else was acted on, as name:value.").Resolve(c => c.Source.Target);
        Field<StringGraphType>("appId").Resolve(c => c.Source.AppId);
        Field<StringGraphType>("ip").Resolve(c => c.Source.Ip);
        Field<StringGraphType>("userAgent").Resolve(c => c.Source.UserAgent);
        Field<StringGraphType>("detail").Description("A small JSON object: the way in, the names of the fields changed, a reason.")
            .Resolve(c => c.Source.Detail);
    }
}

public sealed class AuditLogPageType : ObjectGraphType<AuditPage>
{
    public AuditLogPageType()
    {
        Name = "AuditLogPage";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AuditLogType>>>>("items").WithComplexityImpact(1, 1)
            .Description("Newest first.").Resolve(c => c.Source.Items);
        Field<StringGraphType>("endCursor").Description("Pass as after for the next page.").Resolve(c => c.Source.EndCursor);
        Field<NonNullGraphType<BooleanGraphType>>("hasNextPage").Resolve(c => c.Source.HasNextPage);
    }
}

public sealed class AuditLogFilterInputType : InputObjectGraphType<AuditLogFilterInput>
{
    public AuditLogFilterInputType()
    {
        Name = "AuditLogFilter";
        Field(x => x.Types, typeof(ListGraphType<NonNullGraphType<StringGraphType>>))
            .Description("Event names; any of them (at most 50).");
        Field(x => x.UserId, nullable: true).Description("The user the events are about.");
        Field(x => x.ActorId, nullable: true).Description("Who acted: a user id or token:<hash>.");
        Field(x => x.AppId, nullable: true).Description("The app the events happened in.");
        Field(x => x.From, nullable: true).Description("ISO 8601 time, inclusive.");
        Field(x => x.To, nullable: true).Description("ISO 8601 time, exclusive.");
        Field(x => x.Outcome, nullable: true).Description("success, failure or challenge.");
    }
}

public sealed record AuditLogFilterInput
{
    public List<string>? Types { get; init; }
    public string? UserId { get; init; }
    public string? ActorId { get; init; }
    public string? AppId { get; init; }
    public string? From { get; init; }
    public string? To { get; init; }
    public string? Outcome { get; init; }

    public AuditFilter ToFilter() => new()
    {
        Types = Types,
        UserId = UserId,
        ActorId = ActorId,
        AppId = AppId,
        From = From is null ? null : Core.Users.Validation.RequireTime(From, "from"),
        To = To is null ? null : Core.Users.Validation.RequireTime(To, "to"),
        Outcome = Outcome,
    };
}
