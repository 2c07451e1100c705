using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.SignIn;
using GenAuth.Core.Users;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Users;

/// <summary>Registration, password login, and the signed-in user's own account (SDK operation names).</summary>
public sealed class AccountMutations : IMutationFields
{
    public void Register(ObjectGraphType m)
    {
        m.Field<UserType>("registerByEmail")
            .LimitPerRequest(PerRequest.Register)
            .Description("Registers with email and password. Email is case-insensitive and unique in the pool.")
            .Argument<NonNullGraphType<RegisterByEmailInputType>>("input")
            .PublicAccess()
            .ResolveAsync(async c =>
            {
                var input = c.GetArgument<RegisterByEmailInput>("input");
                return await c.Service<PasswordSignInService>().RegisterByEmailAsync(input.Email, input.Password,
                    input.Profile?.ToProfileInput(), input.IssueToken, c.CancellationToken).RequireSignedIn();
            });
        m.Field<UserType>("registerByUsername")
            .LimitPerRequest(PerRequest.Register)
            .Description("Registers with username and password. The username is unique in the pool ignoring case, width and look-alike characters (2026).")
            .Argument<NonNullGraphType<RegisterByUsernameInputType>>("input")
            .PublicAccess()
            .ResolveAsync(async c =>
            {
                var input = c.GetArgument<RegisterByUsernameInput>("input");
                return await c.Service<PasswordSignInService>().RegisterByUsernameAsync(input.Username, input.Password,
                    input.Profile?.ToProfileInput(), input.IssueToken, c.CancellationToken).RequireSignedIn();
            });
        AddLogin<LoginByEmailInputType, LoginByEmailInput>(m, "loginByEmail", i => i.Email, LoginMethod.Email,
            "Logs in with an email (case-insensitive) and a password.");
        AddLogin<LoginByUsernameInputType, LoginByUsernameInput>(m, "loginByUsername", i => i.Username, LoginMethod.Username,
            "Logs in with a username (case and width are ignored) and a password.");
        AddLogin<LoginByPhonePasswordInputType, LoginByPhonePasswordInput>(m, "loginByPhonePassword", i => i.Phone, LoginMethod.Phone,
            "Logs in with a phone number and a password.");
        m.Field<UserType>("loginByAccount")
            .Description("Logs in with a phone number, email or username and a password.")
            .Argument<NonNullGraphType<StringGraphType>>("account")
            .Argument<NonNullGraphType<StringGraphType>>("password")
            .PublicAccess()
            .ResolveAsync(async c => await c.Service<PasswordSignInService>().LoginAsync(LoginMethod.Account,
                c.GetArgument<string>("account"), c.GetArgument<string>("password"), c.CancellationToken).RequireSignedIn());
        // Sub-accounts are made by an admin (REST /api/v2/users/{id}/sub-accounts, as GenAuth's console does); this signs in
        // to one through the same pipeline as every password login.
        m.Field<UserType>("loginBySubAccount")
            .Description("Logs in to a sub-account (a user attached to a main account) with its username, email or phone and its password.")
            .Argument<NonNullGraphType<StringGraphType>>("account", "The sub-account's username, email or phone.")
            .Argument<NonNullGraphType<StringGraphType>>("password", "The sub-account's password.")
            .Argument<StringGraphType>("captchaCode", "A captcha answer (unused).")
            .Argument<StringGraphType>("clientIp", "The end user's IP as the SDK forwards it (unused).")
            .PublicAccess()
            .ResolveAsync(async c => await c.Service<PasswordSignInService>().LoginBySubAccountAsync(
                c.GetArgument<string>("account"), c.GetArgument<string>("password"), c.CancellationToken).RequireSignedIn());

        m.Field<UserType>("updateUser")
            .Description("A user updates their own profile (not email, phone or password); an admin updates any field of any user (a password, email or phone change ends the user's sessions unless keepSessions).")
            .Argument<StringGraphType>("id")
            .Argument<NonNullGraphType<UpdateUserInputType>>("input")
            .Argument<StringGraphType>("emailToken")
            .Argument<StringGraphType>("phoneToken")
            .Argument<BooleanGraphType>("keepSessions",
                "Admin only: keep the user's sessions when this changes their password, email or phone (by default they all end). Blocking the user ends them regardless.")
            .AdminOrSelfAccess()
            .ResolveAsync(async c => await c.Service<AccountService>().UpdateUserAsync(c.GetArgument<string?>("id"),
                c.GetArgument<UpdateUserInput>("input").ToProfileInput(), c.CancellationToken, c.GetArgument("keepSessions", false)));
        m.Field<UserType>("updatePassword")
            .Description("Changes the caller's password (old one required); other sessions are revoked.")
            .Argument<NonNullGraphType<StringGraphType>>("newPassword")
            .Argument<StringGraphType>("oldPassword")
            .UserAccess()
            .ResolveAsync(async c => await c.Service<AccountService>().UpdatePasswordAsync(
                c.GetArgument<string>("newPassword"), c.GetArgument<string?>("oldPassword"), c.CancellationToken));
        m.Field<RefreshTokenType>("refreshToken")
            .Description("A fresh id token for the caller's session; with a management token, a new session's token for the user id names (pool audience, revocable).")
            .Argument<StringGraphType>("id", "The user: the caller themselves (may be omitted), or any user of the pool for an admin.")
            .AdminOrSelfAccess()
            .ResolveAsync(async c => c.Caller().Kind == PrincipalKind.Admin
                ? await c.Service<SignInService>().IssueForUserAsync(c.GetArgument<string?>("id"), c.CancellationToken)
                : await c.Service<SignInService>().RefreshAsync(c.GetArgument<string?>("id"), c.CancellationToken));
        m.Field<LogoutPayloadType>("logout")
            .Description("Ends the caller's session and the app sessions opened under it: its token is refused from the next request on. Apps with a back-channel logout URI are told by the server; the answer lists the front-channel logout URLs for the client's browser to load in hidden iframes.")
            .UserAccess()
            .ResolveAsync(async c => new LogoutPayload(200, "ok", await c.Service<AccountService>().LogoutAsync(c.CancellationToken)));
        m.Field<CommonMessageType>("deleteAccount")
            .Description("Deletes the caller's own account and ends all its sessions.")
            .UserAccess()
            .ResolveAsync(async c =>
            {
                await c.Service<AccountService>().DeleteAccountAsync(c.CancellationToken);
                return new CommonMessage(200, "ok");
            });
    }

    private static void AddLogin<TInputType, TInput>(ObjectGraphType m, string name, Func<TInput, string> account, LoginMethod method,
        string description)
        where TInputType : InputObjectGraphType<TInput>
        where TInput : LoginInputBase =>
        m.Field<UserType>(name)
            .Description(description)
            .Argument<NonNullGraphType<TInputType>>("input")
            .PublicAccess()
            .ResolveAsync(async c =>
            {
                var input = c.GetArgument<TInput>("input");
                var service = c.Service<PasswordSignInService>();
                return input.AutoRegister == true
                    ? await service.LoginOrRegisterAsync(method, account(input), input.Password, c.CancellationToken)
                    : await service.LoginAsync(method, account(input), input.Password, c.CancellationToken).RequireSignedIn();
            });
}

public sealed record LogoutPayload(int Code, string Message, IReadOnlyList<string> FrontchannelLogoutUris);

/// <summary>logout's answer: GenAuth's { code message } plus the front-channel logout URLs of the apps it logged out.</summary>
public sealed class LogoutPayloadType : ObjectGraphType<LogoutPayload>
{
    public LogoutPayloadType()
    {
        Name = "LogoutPayload";
        Field<StringGraphType>("message").Resolve(c => c.Source.Message);
        Field<IntGraphType>("code").Resolve(c => c.Source.Code);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("frontchannelLogoutUris")
            .Description("OpenID Connect Front-Channel Logout 1.0: each app's frontchannelLogoutUri (with iss and sid when the app asks) for the browser to load in a hidden iframe; empty when no app asks for it.")
            .Resolve(c => c.Source.FrontchannelLogoutUris);
    }
}
