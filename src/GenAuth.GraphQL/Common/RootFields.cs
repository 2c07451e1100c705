using GenAuth.Core.Users;
using GraphQL.Types;

namespace GenAuth.GraphQL.Common;

/// <summary>A capability's contribution to the root Query type.</summary>
public interface IQueryFields
{
    void Register(ObjectGraphType query);
}

/// <summary>A capability's contribution to the root Mutation type.</summary>
public interface IMutationFields
{
    void Register(ObjectGraphType mutation);
}

/// <summary>A capability's contribution to the root Subscription type.</summary>
public interface ISubscriptionFields
{
    void Register(ObjectGraphType subscription);
}

/// <summary>
/// A capability's contribution to the User type (roles, groups, departments, custom data...): User's own folder
/// knows none of them, so no capability that shows users has to be imported by Users.
/// </summary>
public interface IUserFields
{
    void Register(ObjectGraphType<UserView> user);
}

public sealed class QueryType : ObjectGraphType
{
    public QueryType(IEnumerable<IQueryFields> parts)
    {
        Name = "Query";
        foreach (var part in parts)
            part.Register(this);
    }
}

public sealed class MutationType : ObjectGraphType
{
    public MutationType(IEnumerable<IMutationFields> parts)
    {
        Name = "Mutation";
        foreach (var part in parts)
            part.Register(this);
        // Every admin mutation is recorded in the event log (AuditedMutationResolver).
        foreach (var field in Fields)
            if (field.Resolver is { } resolver)
                field.Resolver = new AuditedMutationResolver(resolver, field.Name);
    }
}

public sealed class SubscriptionType : ObjectGraphType
{
    public SubscriptionType(IEnumerable<ISubscriptionFields> parts)
    {
        Name = "Subscription";
        foreach (var part in parts)
            part.Register(this);
    }
}
