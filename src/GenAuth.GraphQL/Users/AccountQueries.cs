using GenAuth.Core.Callers;
using GenAuth.Core.Passwords;
using GenAuth.Core.Sessions;
using GenAuth.Core.Security;
using GenAuth.Core.Users;
using GenAuth.Core.SignIn;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Users;

public sealed class AccountQueries : IQueryFields
{
    public void Register(ObjectGraphType q)
    {
        q.Field<UserType>("user")
            .Description("The signed-in user; an admin may name any user of the pool by id.")
            .Argument<StringGraphType>("id")
            .AdminOrSelfAccess()
            .ResolveAsync(async c => await c.Service<AccountService>().GetUserAsync(c.GetArgument<string?>("id"), c.CancellationToken));
        q.Field<JwtTokenStatusType>("checkLoginStatus")
            .Description("Whether a token (argument, else the request's bearer token) is valid and its session alive.")
            .Argument<StringGraphType>("token")
            .PublicAccess()
            .ResolveAsync(async c => await c.Service<LoginStatusService>().CheckAsync(c.GetArgument<string?>("token"), c.CancellationToken));
        q.Field<NonNullGraphType<CheckPasswordStrengthResultType>>("checkPasswordStrength")
            .Description("Checks a password against the pool's password policy.")
            .Argument<NonNullGraphType<StringGraphType>>("password")
            .PublicAccess()
            .Resolve(c =>
            {
                var caller = c.Caller();
                var (valid, reason) = c.Service<PasswordPolicy>().Check(caller.RequirePool(), c.GetArgument<string>("password"), caller.Lang);
                return new PasswordStrength(valid, reason ?? (caller.Lang?.StartsWith("en") == true ? "The password meets the policy" : "密码强度符合要求"));
            });
        q.Field<BooleanGraphType>("isUserExists")
            .LimitPerRequest(PerRequest.UserExistsLookup)
            .Description("Whether a user with this email, phone, username or externalId exists in the pool.")
            .Argument<StringGraphType>("email")
            .Argument<StringGraphType>("phone")
            .Argument<StringGraphType>("username")
            .Argument<StringGraphType>("externalId")
            .PublicAccess()
            .ResolveAsync(async c => await c.Service<AccountService>().IsUserExistsAsync(c.GetArgument<string?>("email"),
                c.GetArgument<string?>("phone"), c.GetArgument<string?>("username"), c.GetArgument<string?>("externalId"),
                c.CancellationToken));
    }
}

public sealed record PasswordStrength(bool Valid, string Message);

public sealed class CheckPasswordStrengthResultType : ObjectGraphType<PasswordStrength>
{
    public CheckPasswordStrengthResultType()
    {
        Name = "CheckPasswordStrengthResult";
        Field(x => x.Valid);
        Field(x => x.Message, nullable: true);
    }
}

public sealed class JwtTokenStatusType : ObjectGraphType<LoginStatus>
{
    public JwtTokenStatusType()
    {
        Name = "JwtTokenStatus";
        Field<IntGraphType>("code").Resolve(c => c.Source.Code);
        Field<StringGraphType>("message").Resolve(c => c.Source.Message);
        Field<BooleanGraphType>("status").Resolve(c => c.Source.Status);
        Field<IntGraphType>("exp").Resolve(c => c.Source.Exp);
        Field<IntGraphType>("iat").Resolve(c => c.Source.Iat);
        Field<JwtTokenStatusDetailType>("data").Resolve(c => c.Source.Status ? c.Source : null);
    }
}

public sealed class JwtTokenStatusDetailType : ObjectGraphType<LoginStatus>
{
    public JwtTokenStatusDetailType()
    {
        Name = "JwtTokenStatusDetail";
        Field<StringGraphType>("id").Resolve(c => c.Source.UserId);
        Field<StringGraphType>("userPoolId").Resolve(c => c.Source.UserPoolId);
        Field<StringGraphType>("arn").Resolve(c => c.Source.UserId is null ? null : $"arn:cn:authing:{c.Source.UserPoolId}:user:{c.Source.UserId}");
    }
}

public sealed class RefreshTokenType : ObjectGraphType<IssuedTokenView>
{
    public RefreshTokenType()
    {
        Name = "RefreshToken";
        Field<StringGraphType>("token").Resolve(c => c.Source.Token);
        Field<IntGraphType>("iat").Resolve(c => (int)c.Source.Iat);
        Field<IntGraphType>("exp").Resolve(c => (int)c.Source.Exp);
    }
}
