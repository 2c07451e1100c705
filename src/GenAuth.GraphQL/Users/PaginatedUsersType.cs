using GenAuth.Core.Common;
using GenAuth.Core.Users;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Users;

/// <summary>GenAuth's PaginatedUsers: { totalCount, list: [User] }.</summary>
public sealed class PaginatedUsersType : ObjectGraphType<ListPage<User>>
{
    public PaginatedUsersType()
    {
        Name = "PaginatedUsers";
        Field<NonNullGraphType<IntGraphType>>("totalCount").Resolve(c => c.Source.TotalCount);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserType>>>>("list")
            // A page: 10 users by default (the SDK's page size); nested user lists load in batches.
            .WithComplexityImpact(1, 10)
            .Resolve(c => c.Source.List.Select(u => new UserView(u)));
    }
}
