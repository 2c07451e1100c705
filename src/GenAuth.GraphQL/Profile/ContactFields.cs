using GenAuth.Core.Users;
using GenAuth.Core.Profile;
using GenAuth.Core.Codes;
using GenAuth.GraphQL.Common;
using GenAuth.GraphQL.Users;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Profile;

/// <summary>The signed-in user's phone, email, security level and avatar.</summary>
public sealed class ContactMutations : IMutationFields
{
    public void Register(ObjectGraphType m)
    {
        m.Field<UserType>("bindPhone")
            .UserAccess()
            .Description("Binds a phone to the caller (code from sendSmsCode).")
            .Argument<NonNullGraphType<StringGraphType>>("phone")
            .Argument<NonNullGraphType<StringGraphType>>("phoneCode")
            .Argument<StringGraphType>("phoneCountryCode")
            .ResolveAsync(async c => await c.Service<ContactService>().BindPhoneAsync(c.GetArgument<string>("phone"),
                c.GetArgument<string>("phoneCode"), c.GetArgument<string?>("phoneCountryCode"), c.CancellationToken));
        m.Field<UserType>("unbindPhone")
            .UserAccess()
            .Description("Removes the caller's phone; refused (1320005) when it is the last way to sign in.")
            .ResolveAsync(async c => await c.Service<ContactService>().UnbindPhoneAsync(c.CancellationToken));
        m.Field<UserType>("updatePhone")
            .UserAccess()
            .Description("Changes the caller's phone: a code to the new number, and to the old one when the pool requires it.")
            .Argument<NonNullGraphType<StringGraphType>>("phone")
            .Argument<NonNullGraphType<StringGraphType>>("phoneCode")
            .Argument<StringGraphType>("oldPhone")
            .Argument<StringGraphType>("oldPhoneCode")
            .Argument<StringGraphType>("phoneCountryCode")
            .Argument<StringGraphType>("oldPhoneCountryCode")
            .ResolveAsync(async c => await c.Service<ContactService>().UpdatePhoneAsync(c.GetArgument<string>("phone"),
                c.GetArgument<string>("phoneCode"), c.GetArgument<string?>("oldPhone"), c.GetArgument<string?>("oldPhoneCode"),
                c.GetArgument<string?>("phoneCountryCode"), c.GetArgument<string?>("oldPhoneCountryCode"), c.CancellationToken));
        m.Field<UserType>("bindEmail")
            .UserAccess()
            .Description("Binds an email to the caller (code from sendEmail CHANGE_EMAIL); it is verified by the code.")
            .Argument<NonNullGraphType<StringGraphType>>("email")
            .Argument<NonNullGraphType<StringGraphType>>("emailCode")
            .ResolveAsync(async c => await c.Service<ContactService>().BindEmailAsync(c.GetArgument<string>("email"),
                c.GetArgument<string>("emailCode"), c.CancellationToken));
        m.Field<UserType>("unbindEmail")
            .UserAccess()
            .Description("Removes the caller's email; refused (1320005) when it is the last way to sign in.")
            .ResolveAsync(async c => await c.Service<ContactService>().UnbindEmailAsync(c.CancellationToken));
        m.Field<UserType>("updateEmail")
            .UserAccess()
            .Description("Changes the caller's email: a code to the new address, and to the old one when the pool requires it.")
            .Argument<NonNullGraphType<StringGraphType>>("email")
            .Argument<NonNullGraphType<StringGraphType>>("emailCode")
            .Argument<StringGraphType>("oldEmail")
            .Argument<StringGraphType>("oldEmailCode")
            .ResolveAsync(async c => await c.Service<ContactService>().UpdateEmailAsync(c.GetArgument<string>("email"),
                c.GetArgument<string>("emailCode"), c.GetArgument<string?>("oldEmail"), c.GetArgument<string?>("oldEmailCode"),
                c.CancellationToken));
        m.Field<CommonMessageType>("verifyEmail")
            .PublicAccess()
            .Description("Verifies an email address with the token of a verify-email link.")
            .Argument<NonNullGraphType<StringGraphType>>("token")
            .ResolveAsync(async c =>
            {
                await c.Service<ContactService>().VerifyEmailAsync(c.GetArgument<string>("token"), c.CancellationToken);
                return new CommonMessage(200, c.IsEnglish() ? "Email verified" : "邮箱验证成功");
            });
        m.Field<UserType>("updateAvatar")
            .UserAccess()
            .Description("Sets the caller's photo from a base64 PNG, JPEG or WebP image (data: URL accepted), at most 2 MB.")
            .Argument<NonNullGraphType<StringGraphType>>("image")
            .ResolveAsync(async c =>
            {
                c.Caller().RequireUserId();
                var image = c.GetArgument<string>("image");
                var comma = image.IndexOf(',');
                if (image.StartsWith("data:", StringComparison.Ordinal) && comma > 0)
                    image = image[(comma + 1)..];
                byte[] bytes;
                try
                {
                    bytes = Convert.FromBase64String(image);
                }
                catch (FormatException)
                {
                    throw new Core.Common.GenAuthException(Core.Common.ErrorCodes.InvalidImage);
                }
                using var stream = new MemoryStream(bytes);
                var (_, user) = await c.Service<AvatarService>().UploadAsync(stream, c.CancellationToken);
                return user;
            });
    }
}

public sealed class ContactQueries : IQueryFields
{
    public void Register(ObjectGraphType q)
    {
        q.Field<NonNullGraphType<SecurityLevelType>>("getSecurityLevel")
            .UserAccess()
            .Description("The signed-in account's security level (also GET /api/v2/users/me/security-level).")
            .ResolveAsync(async c => await c.Service<SecurityLevelService>().GetAsync(c.CancellationToken));
    }
}
