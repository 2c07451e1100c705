using GenAuth.Core.Applications;
using GenAuth.Core.Common;
using GenAuth.Core.Pools;
using GenAuth.GraphQL.Common;
using GenAuth.GraphQL.Users;
using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;

namespace GenAuth.GraphQL.Applications;

public sealed class ApplicationQueries : IQueryFields
{
    public void Register(ObjectGraphType q)
    {
        q.Field<NonNullGraphType<PaginatedApplicationsType>>("applications")
            .Description("The pool's applications.")
            .Argument<IntGraphType>("page")
            .Argument<IntGraphType>("limit")
            .AdminOnly()
            .ResolveAsync(async c => await c.Service<ApplicationService>().ListAsync(c.GetArgument("page", 1), c.GetArgument("limit", 10), c.CancellationToken));
        q.Field<NonNullGraphType<ApplicationType>>("application")
            .Description("One application of the pool, by id.")
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .AdminOnly()
            .ResolveAsync(async c => await c.Service<ApplicationService>().GetAsync(c.GetArgument<string>("id"), c.CancellationToken));
        q.Field<NonNullGraphType<PaginatedApplicationsType>>("allowedApplications")
            .Description("The applications the signed-in user may use (an admin may name a user): GET /api/v2/users/me/applications/allowed.")
            .Argument<StringGraphType>("userId")
            .Argument<IntGraphType>("page")
            .Argument<IntGraphType>("limit")
            .AdminOrSelfAccess()
            .ResolveAsync(async c => await c.Service<ApplicationService>().AllowedForAsync(c.GetArgument<string?>("userId"),
                c.GetArgument("page", 1), c.GetArgument("limit", 10), c.CancellationToken));
        q.Field<NonNullGraphType<PaginatedUsersType>>("applicationActiveUsers")
            .Description("Users currently signed in to an application (a live session there), most recent first.")
            .Argument<NonNullGraphType<StringGraphType>>("appId")
            .Argument<IntGraphType>("page")
            .Argument<IntGraphType>("limit")
            .AdminOnly()
            .ResolveAsync(async c =>
            {
                var page = await c.Service<ApplicationService>().ActiveUsersAsync(c.GetArgument<string>("appId"),
                    c.GetArgument("page", 1), c.GetArgument("limit", 10), c.CancellationToken);
                return new Page<GenAuth.Core.Users.UserView>(page.TotalCount, UserViews.Of(c, page.List.Select(a => a.User)));
            });
    }
}

public sealed class ApplicationMutations : IMutationFields
{
    public void Register(ObjectGraphType m)
    {
        m.Field<NonNullGraphType<ApplicationType>>("createApplication")
            .Description("Creates an application of the pool (name, redirect URIs, default access, MFA).")
            .Argument<NonNullGraphType<StringGraphType>>("name")
            .Argument<StringGraphType>("identifier")
            .Argument<ListGraphType<NonNullGraphType<StringGraphType>>>("redirectUris")
            .Argument<StringGraphType>("logo")
            .Argument<StringGraphType>("description")
            .Argument<StringGraphType>("defaultStrategy", "ALLOW_ALL (default) or DENY_ALL: who may log in without an explicit rule.")
            .Argument<BooleanGraphType>("mfaRequired", "Logins through this app need a second factor.")
            .OidcClientArguments()
            .AdminOnly()
            .ResolveAsync(async c => await c.Service<ApplicationService>().CreateAsync(Input(c), c.CancellationToken));
        m.Field<NonNullGraphType<ApplicationType>>("updateApplication")
            .Description("Changes the given fields of an application; omitted ones stay.")
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .Argument<StringGraphType>("name")
            .Argument<StringGraphType>("identifier")
            .Argument<ListGraphType<NonNullGraphType<StringGraphType>>>("redirectUris")
            .Argument<StringGraphType>("logo")
            .Argument<StringGraphType>("description")
            .Argument<StringGraphType>("defaultStrategy")
            .Argument<BooleanGraphType>("mfaRequired")
            .OidcClientArguments()
            .Argument<AppBrandingInputType>("branding", "The hosted login page's look for this app: colour, CSS, methods shown.")
            .AdminOnly()
            .ResolveAsync(async c => await c.Service<ApplicationService>().UpdateAsync(c.GetArgument<string>("id"), Input(c), c.CancellationToken,
                c.GetArgument<AppBrandingInput?>("branding")));
        m.Field<NonNullGraphType<ApplicationType>>("refreshApplicationSecret")
            .Description("Makes a new client secret for the application: returned once in `secret`, only its hash is kept; the old secret stops working.")
            .Argument<NonNullGraphType<StringGraphType>>("id", "The application id (the OIDC client_id).")
            .AdminOnly()
            .ResolveAsync(async c => await c.Service<ApplicationService>().RefreshSecretAsync(c.GetArgument<string>("id"), c.CancellationToken));
        m.Field<CommonMessageType>("setApplicationUserAccess")
            .Description("Allows or denies one user an application (seed 001: application authorization); a denied user's sessions there end.")
            .Argument<NonNullGraphType<StringGraphType>>("appId")
            .Argument<NonNullGraphType<StringGraphType>>("userId")
            .Argument<NonNullGraphType<BooleanGraphType>>("allowed")
            .AdminOnly()
            .ResolveAsync(async c =>
            {
                await c.Service<ApplicationService>().SetUserAccessAsync(c.GetArgument<string>("appId"), c.GetArgument<string>("userId"),
                    c.GetArgument<bool>("allowed"), c.CancellationToken);
                return new CommonMessage(200, "ok");
            });
    }

    private static ApplicationInput Input(IResolveFieldContext c) => new(c.GetArgument<string?>("name"), c.GetArgument<string?>("identifier"),
        c.GetArgument<List<string>?>("redirectUris"), c.GetArgument<string?>("logo"), c.GetArgument<string?>("description"),
        c.GetArgument<string?>("defaultStrategy"), c.GetArgument<bool?>("mfaRequired"))
    {
        Oidc = OidcClientArgs.Read(c),
    };
}

/// <summary>
/// The OAuth 2.0 / OIDC client arguments createApplication and updateApplication share (one list, so the two can't
/// drift), and their reading into Core's <see cref="OidcClientInput"/>.
/// </summary>
public static class OidcClientArgs
{
    public static FieldBuilder<TSource, TReturn> OidcClientArguments<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field) => field
        .Argument<ListGraphType<NonNullGraphType<StringGraphType>>>("postLogoutRedirectUris", "OIDC: where /oidc/session/end may send the browser back (exact match).")
        .Argument<ListGraphType<NonNullGraphType<StringGraphType>>>("grantTypes", "OIDC: authorization_code, refresh_token, client_credentials, implicit (default: authorization_code refresh_token).")
        .Argument<StringGraphType>("tokenEndpointAuthMethod", "OIDC: client_secret_basic (default), client_secret_post, or none for a public client (PKCE S256 required).")
        .Argument<IntGraphType>("idTokenLifetime", "OIDC: id token lifetime in seconds (60 to 31536000; default 3600).")
        .Argument<IntGraphType>("accessTokenLifetime", "OIDC: access token lifetime in seconds (60 to 31536000; default 3600).")
        .Argument<IntGraphType>("refreshTokenLifetime", "OIDC: refresh token lifetime in seconds (60 to 31536000; default 2592000).")
        .Argument<BooleanGraphType>("thirdParty", "OIDC: a third-party app asks the user's consent (remembered); first-party apps (default) don't.")
        .Argument<BooleanGraphType>("implicitAllowed", "OIDC: allow response_type id_token / id_token token (needs the implicit grant type too).")
        .Argument<ListGraphType<NonNullGraphType<StringGraphType>>>("corsOrigins", "OIDC: browser origins (scheme://host[:port]) allowed to call the token endpoints and the API with this app's header.")
        .Argument<StringGraphType>("backchannelLogoutUri", "OIDC: back-channel logout URI that receives a logout_token when a user's session ends (empty string clears it).")
        .Argument<StringGraphType>("frontchannelLogoutUri", "OIDC: front-channel logout URI the logout page loads in an iframe when a user's session ends (https, or http on localhost; empty string clears it).")
        .Argument<BooleanGraphType>("frontchannelLogoutSessionRequired", "OIDC: the front-channel logout URI gets iss and sid query parameters (default false).");

    public static OidcClientInput Read(IResolveFieldContext c) => new()
    {
        PostLogoutRedirectUris = c.GetArgument<List<string>?>("postLogoutRedirectUris"),
        GrantTypes = c.GetArgument<List<string>?>("grantTypes"),
        TokenEndpointAuthMethod = c.GetArgument<string?>("tokenEndpointAuthMethod"),
        IdTokenLifetime = c.GetArgument<int?>("idTokenLifetime"),
        AccessTokenLifetime = c.GetArgument<int?>("accessTokenLifetime"),
        RefreshTokenLifetime = c.GetArgument<int?>("refreshTokenLifetime"),
        ThirdParty = c.GetArgument<bool?>("thirdParty"),
        ImplicitAllowed = c.GetArgument<bool?>("implicitAllowed"),
        CorsOrigins = c.GetArgument<List<string>?>("corsOrigins"),
        BackchannelLogoutUri = c.GetArgument<string?>("backchannelLogoutUri"),
        FrontchannelLogoutUri = c.GetArgument<string?>("frontchannelLogoutUri"),
        FrontchannelLogoutSessionRequired = c.GetArgument<bool?>("frontchannelLogoutSessionRequired"),
    };
}

public sealed class ApplicationType : ObjectGraphType<Application>
{
    public ApplicationType()
    {
        Name = "Application";
        Field<NonNullGraphType<StringGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<StringGraphType>>("userPoolId").Resolve(c => c.Source.UserPoolId);
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(c => c.Source.Name);
        Field<StringGraphType>("identifier").Resolve(c => c.Source.Identifier);
        Field<StringGraphType>("description").Resolve(c => c.Source.Description);
        Field<StringGraphType>("logo").Resolve(c => c.Source.Logo);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("redirectUris")
            .Resolve(c => c.Source.RedirectUris?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? []);
        Field<NonNullGraphType<StringGraphType>>("defaultStrategy").Resolve(c => c.Source.DefaultAccess);
        Field<NonNullGraphType<BooleanGraphType>>("mfaRequired").Resolve(c => c.Source.MfaRequired);
        Field<NonNullGraphType<AppBrandingType>>("branding").Resolve(c => c.Source.Branding ?? new AppBranding());
        Field<StringGraphType>("secret").Description("The client secret, only in the answer that made it (createApplication, refreshApplicationSecret); null afterwards.")
            .Resolve(c => c.Source.ShownSecret);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("postLogoutRedirectUris")
            .Resolve(c => OidcClientSettings.Lines(c.Source.PostLogoutRedirectUris));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("grantTypes").Resolve(c => OidcClientSettings.GrantTypesOf(c.Source));
        Field<NonNullGraphType<StringGraphType>>("tokenEndpointAuthMethod").Resolve(c => c.Source.TokenEndpointAuthMethod);
        Field<IntGraphType>("idTokenLifetime").Resolve(c => c.Source.IdTokenLifetime);
        Field<IntGraphType>("accessTokenLifetime").Resolve(c => c.Source.AccessTokenLifetime);
        Field<IntGraphType>("refreshTokenLifetime").Resolve(c => c.Source.RefreshTokenLifetime);
        Field<NonNullGraphType<BooleanGraphType>>("thirdParty").Resolve(c => c.Source.ThirdParty);
        Field<NonNullGraphType<BooleanGraphType>>("implicitAllowed").Resolve(c => c.Source.ImplicitAllowed);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("corsOrigins").Resolve(c => OidcClientSettings.Lines(c.Source.CorsOrigins));
        Field<StringGraphType>("backchannelLogoutUri").Resolve(c => c.Source.BackchannelLogoutUri);
        Field<StringGraphType>("frontchannelLogoutUri").Resolve(c => c.Source.FrontchannelLogoutUri);
        Field<NonNullGraphType<BooleanGraphType>>("frontchannelLogoutSessionRequired").Resolve(c => c.Source.FrontchannelLogoutSessionRequired);
        Field<StringGraphType>("createdAt").Resolve(c => c.Source.CreatedAt.Iso());
        Field<StringGraphType>("updatedAt").Resolve(c => c.Source.UpdatedAt.Iso());
    }
}

public sealed class PaginatedApplicationsType : ObjectGraphType<Page<Application>>
{
    public PaginatedApplicationsType()
    {
        Name = "PaginatedApplications";
        Field<NonNullGraphType<IntGraphType>>("totalCount").Resolve(c => c.Source.TotalCount);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ApplicationType>>>>("list").Resolve(c => c.Source.List);
    }
}
