using GenAuth.Core.Audit;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Audit;

/// <summary>The event log for admins: keyset pages, retention, and the live resumable stream.</summary>
public sealed class AuditFields : IQueryFields, IMutationFields, ISubscriptionFields
{
    void IQueryFields.Register(ObjectGraphType q)
    {
        q.Field<NonNullGraphType<AuditLogPageType>>("auditLogs")
            .AdminOnly()
            .Description("The pool's event log, newest first, in keyset pages.")
            .Argument<AuditLogFilterInputType>("filter", "Criteria that must all hold.")
            .Argument<IntGraphType>("first", "Page size (1 to 200, default 20).")
            .Argument<StringGraphType>("after", "The endCursor of the previous page.")
            .PagedBy("first", fallback: 20)
            .ResolveAsync(async c => await c.Service<AuditLogService>().PageAsync(Filter(c), c.GetArgument<int?>("first"),
                c.GetArgument<string?>("after"), c.CancellationToken));
    }

    void IMutationFields.Register(ObjectGraphType m)
    {
        m.Field<NonNullGraphType<IntGraphType>>("setAuditLogRetention")
            .AdminOnly()
            .Description("Days the pool's events are kept (1 to 3650; default 180); older ones are deleted by the sweeper. Returns the days.")
            .Argument<NonNullGraphType<IntGraphType>>("days", "Days to keep events.")
            .ResolveAsync(async c => await c.Service<AuditLogService>().SetRetentionAsync(c.GetArgument<int>("days"), c.CancellationToken));
    }

    void ISubscriptionFields.Register(ObjectGraphType s)
    {
        s.Field<NonNullGraphType<AuditLogType>>("securityEvents")
            .Description("The pool's events as they commit (admins). With after (an event id), first every event after it, then live: no gap, no repeat.")
            .Argument<AuditLogFilterInputType>("filter", "Criteria that must all hold.")
            .Argument<StringGraphType>("after", "Resume after this event id (the last one received).")
            .AdminOnly()
            .ResolveStreamAsync(async c =>
            {
                var pool = c.Caller().RequireAdmin();
                var after = c.GetArgument<string?>("after") is { } a ? AuditLogService.ParseCursor(a, "after") : (long?)null;
                return (IObservable<object?>)await c.Service<AuditFeed>().SubscribeAsync(pool.Id, Filter(c), after, c.CancellationToken);
            })
            .Resolve(c => c.Source);
    }

    private static AuditFilter Filter(IResolveFieldContext c) =>
        c.GetArgument<AuditLogFilterInput?>("filter")?.ToFilter() ?? new AuditFilter();
}
