using GenAuth.Core.ExtIdps;
using GenAuth.Core.Users;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.ExtIdps;

/// <summary>User.identities: the user's linked external identities, one batch for every user of the level.</summary>
public sealed class UserIdentityFields : IUserFields
{
    public void Register(ObjectGraphType<UserView> user) =>
        // Note: a user has a handful of identities, not the analyzer's default 20 per list.
        user.Field<ListGraphType<IdentityType>>("identities").WithComplexityImpact(1, 3).Resolve(c =>
        {
            var identities = c.Service<IdentityService>();
            return c.Loaders().Get<string, List<IdentityView>>("user-identities", identities.OfUsersAsync).Load(c.Source.User.Id)
                .Then(l => (IEnumerable<IdentityView>)(l ?? []));
        });
}

/// <summary>An identity from a social or enterprise provider. Its tokens stay sealed: accessToken and refreshToken are always null.</summary>
public sealed class IdentityType : ObjectGraphType<IdentityView>
{
    public IdentityType()
    {
        Name = "Identity";
        Field<StringGraphType>("openid").Resolve(c => OpenId(c.Source.Identity));
        Field<StringGraphType>("userIdInIdp").Resolve(c => c.Source.Identity.ProviderUserId);
        Field<StringGraphType>("userInfoInIdp").Resolve(c => c.Source.Identity.ProfileJson);
        Field<StringGraphType>("userId").Resolve(c => c.Source.Identity.UserId);
        Field<StringGraphType>("connectionId").Resolve(c => c.Source.Identity.ConnId);
        Field<StringGraphType>("provider").Resolve(c => c.Source.Identity.Provider);
        Field<StringGraphType>("userPoolId").Resolve(c => c.Source.Identity.UserPoolId);
        Field<StringGraphType>("refreshToken").Resolve(_ => null);
        Field<StringGraphType>("accessToken").Resolve(_ => null);
        Field<StringGraphType>("type").Resolve(c => c.Source.ConnType ?? c.Source.Identity.Provider);
        Field<StringGraphType>("extIdpId").Resolve(c => c.Source.Identity.ExtIdpId);
        Field<BooleanGraphType>("isSocial").Resolve(c => c.Source.Identity.Provider is not (ConnTypes.Oidc or ConnTypes.OAuth2 or ConnTypes.Ldap or ConnTypes.Ad));
    }

    /// <summary>
    /// WeChat / DingTalk identities are keyed by the unionid; their per-app openid is the one in the stored profile.
    /// Every other identity's provider user id is its openid.
    /// </summary>
    private static string OpenId(UserIdentity identity)
    {
        if (ConnTypes.UnionFamily(identity.Provider) is null)
            return identity.ProviderUserId;
        try
        {
            var profile = System.Text.Json.Nodes.JsonNode.Parse(identity.ProfileJson) as System.Text.Json.Nodes.JsonObject;
            return (profile?["openid"] ?? profile?["openId"]) is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var openId)
                ? openId
                : identity.ProviderUserId;
        }
        catch (System.Text.Json.JsonException)
        {
            return identity.ProviderUserId;
        }
    }
}
