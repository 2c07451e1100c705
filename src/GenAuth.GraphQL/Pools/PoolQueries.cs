using GenAuth.Core.Admin;
using GenAuth.Core.Pools;
using GenAuth.Core.Tokens;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Pools;

public sealed class PoolQueries : IQueryFields
{
    public void Register(ObjectGraphType q)
    {
        q.Field<AccessTokenResType>("accessToken")
            .Description("A management token for the pool, from its id and secret.")
            .Argument<NonNullGraphType<StringGraphType>>("userPoolId")
            .Argument<NonNullGraphType<StringGraphType>>("secret")
            .PublicAccess()
            .ResolveAsync(async c => await c.Service<PoolService>().AccessTokenAsync(
                c.GetArgument<string>("userPoolId"), c.GetArgument<string>("secret"), c.CancellationToken));
        q.Field<NonNullGraphType<UserPoolType>>("userpool")
            .Description("The caller's pool (admins only).")
            .AdminOnly()
            .Resolve(c => c.Service<PoolService>().CurrentPoolForAdmin());
    }
}

public sealed class PoolMutations : IMutationFields
{
    public void Register(ObjectGraphType m)
    {
        m.Field<AccessTokenResType>("refreshAccessToken")
            .Description("A new management token for the pool of the caller's management token.")
            .Argument<StringGraphType>("accessToken")
            .AdminOnly()
            .ResolveAsync(async c => await c.Service<PoolService>().RefreshAccessTokenAsync(c.CancellationToken));
    }
}

public sealed class AccessTokenResType : ObjectGraphType<IssuedToken>
{
    public AccessTokenResType()
    {
        Name = "AccessTokenRes";
        Field<StringGraphType>("accessToken").Resolve(c => c.Source.Token);
        Field<IntGraphType>("exp").Resolve(c => (int)c.Source.ExpiresAt.ToUnixTimeSeconds());
        Field<IntGraphType>("iat").Resolve(c => (int)c.Source.IssuedAt.ToUnixTimeSeconds());
    }
}
