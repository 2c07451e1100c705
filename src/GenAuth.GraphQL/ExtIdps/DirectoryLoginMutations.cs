using GenAuth.Core.ExtIdps;
using GenAuth.Core.SignIn;
using GenAuth.GraphQL.Common;
using GenAuth.GraphQL.Users;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.ExtIdps;

/// <summary>loginByLdap / loginByAD: a directory login through the pool's enabled LDAP or AD connections.</summary>
public sealed class DirectoryLoginMutations : IMutationFields
{
    public void Register(ObjectGraphType m)
    {
        Add(m, "loginByLdap", ConnTypes.Ldap, "Logs in with a user name and password checked by the pool's enabled LDAP connections (the first whose search finds the name); the user is linked or created as for any identity source. Wrong password, unknown name and disabled entry all answer 2333.");
        Add(m, "loginByAD", ConnTypes.Ad, "Logs in with a user name and password checked by the pool's enabled Active Directory connections (sAMAccountName by default); the user is linked or created as for any identity source. Wrong password, unknown name and disabled account all answer 2333.");
    }

    private static void Add(ObjectGraphType m, string name, string type, string description) =>
        m.Field<UserType>(name)
            // Note: each alias costs a directory search and bind and may create a user: counted like a registration.
            .LimitPerRequest(PerRequest.Register)
            .Description(description)
            .Argument<NonNullGraphType<StringGraphType>>("username", "The login name the connection's search filter (searchStandard) looks for.")
            .Argument<NonNullGraphType<StringGraphType>>("password", "The directory password.")
            .Argument<StringGraphType>("connection", "The identifier of one connection to use; by default every enabled one of this type, in creation order.")
            .PublicAccess()
            .ResolveAsync(async c => await c.Service<DirectorySignInService>().LoginAsync(type, c.GetArgument<string>("username"),
                c.GetArgument<string>("password"), c.GetArgument<string?>("connection"), c.CancellationToken).RequireSignedIn());
}
