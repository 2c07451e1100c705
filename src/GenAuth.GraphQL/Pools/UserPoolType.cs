using GenAuth.Core.Admin;
using GenAuth.Core.Messaging;
using GenAuth.Core.Pools;
using GenAuth.Core.Security;
using GenAuth.GraphQL.Common;
using GraphQL.Types;

namespace GenAuth.GraphQL.Pools;

/// <summary>GenAuth's UserPool, every field the SDK selects; settings this server doesn't have yet answer their defaults.</summary>
public sealed class UserPoolType : ObjectGraphType<UserPool>
{
    public UserPoolType()
    {
        Name = "UserPool";
        Field<NonNullGraphType<StringGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(c => c.Source.Name);
        Field<NonNullGraphType<StringGraphType>>("domain").Resolve(c => c.Source.Domain);
        Field<StringGraphType>("description").Resolve(c => c.Source.Description);
        Field<NonNullGraphType<StringGraphType>>("secret").Resolve(c => c.Service<PoolService>().RevealSecret(c.Source));
        // Note: GenAuth's HS256 secret; this server signs with per-pool RSA keys only, so there is none to reveal.
        Field<NonNullGraphType<StringGraphType>>("jwtSecret").Resolve(_ => "");
        Field<StringGraphType>("ownerId").Resolve(_ => null);
        Field<ListGraphType<NonNullGraphType<UserPoolTypeType>>>("userpoolTypes").Resolve(_ => Array.Empty<object>());
        Field<NonNullGraphType<StringGraphType>>("logo").Resolve(c => c.Source.Logo);
        Field<StringGraphType>("createdAt").Resolve(c => c.Source.CreatedAt.Iso());
        Field<StringGraphType>("updatedAt").Resolve(c => c.Source.UpdatedAt.Iso());
        Field<NonNullGraphType<BooleanGraphType>>("emailVerifiedDefault").Resolve(c => c.Source.EmailVerifiedDefault);
        Field<NonNullGraphType<BooleanGraphType>>("sendWelcomeEmail").Resolve(c => c.Source.SendWelcomeEmail);
        Field<NonNullGraphType<BooleanGraphType>>("registerDisabled").Resolve(c => c.Source.RegisterDisabled);
        Field<NonNullGraphType<BooleanGraphType>>("appSsoEnabled").Resolve(c => c.Source.AppSsoEnabled);
        Field<BooleanGraphType>("showWxQRCodeWhenRegisterDisabled").Resolve(_ => false);
        Field<StringGraphType>("allowedOrigins").Resolve(c => c.Source.AllowedOrigins);
        Field<IntGraphType>("tokenExpiresAfter").Resolve(c => c.Source.TokenExpiresAfter);
        Field<BooleanGraphType>("isDeleted").Resolve(_ => false);
        Field<FrequencyCheckType>("frequentRegisterCheck")
            .Resolve(c => new FrequencyCheck(c.Source.FrequentRegisterInterval, c.Source.FrequentRegisterLimit, c.Source.FrequentRegisterEnabled));
        Field<FrequencyCheckType>("loginFailCheck").Resolve(c =>
            new FrequencyCheck(c.Source.LoginFailCheckInterval, c.Source.LoginFailCheckLimit, c.Source.LoginFailCheckEnabled));
        Field<FrequencyCheckType>("loginPasswordFailCheck").Resolve(c => new FrequencyCheck(c.Source.LoginPasswordFailCheckInterval,
            c.Source.LoginPasswordFailCheckLimit, c.Source.LoginPasswordFailCheckEnabled));
        Field<StringGraphType>("loginFailStrategy").Resolve(c => c.Source.LoginFailStrategy ?? LoginFailSettings.BlockAccount);
        Field<ChangePhoneStrategyType>("changePhoneStrategy").Resolve(c => c.Source);
        Field<ChangeEmailStrategyType>("changeEmailStrategy").Resolve(c => c.Source);
        Field<QrcodeLoginStrategyType>("qrcodeLoginStrategy").Resolve(c => c.Source);
        Field<App2WxappLoginStrategyType>("app2WxappLoginStrategy").Resolve(_ => new object());
        Field<RegisterWhiteListConfigType>("whitelist").Resolve(c => c.Source);
        Field<IntGraphType>("passwordMinLength").Description("Password policy: the minimum length.").Resolve(c => c.Source.PasswordMinLength);
        Field<NonNullGraphType<IntGraphType>>("passwordStrength")
            .Description("GenAuth's password strength level (0 to 4) every new password must meet.").Resolve(c => c.Source.PasswordStrength);
        Field<CustomSmsProviderType>("customSMSProvider").Resolve(_ => null);
        Field<StringGraphType>("packageType").Resolve(_ => "self-hosted");
        Field<BooleanGraphType>("useCustomUserStore").Resolve(_ => false);
        Field<BooleanGraphType>("loginRequireEmailVerified").Resolve(c => c.Source.LoginRequireEmailVerified);
        Field<BooleanGraphType>("mfaRequired").Description("Every login needs a second factor.").Resolve(c => c.Source.MfaRequired);
        Field<NonNullGraphType<StringGraphType>>("defaultLanguage")
            .Description("The language of messages when a request names none: zh-CN (the default) or en-US.")
            .Resolve(c => c.Source.DefaultLanguage ?? "zh-CN");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("smsCountries")
            .Description("Calling codes SMS codes are sent to (the pool's list, else the server default); \"*\" is any country but premium and satellite ranges.")
            .Resolve(c => SmsCountries.Of(c.Source, c.Service<QuotaGuard>().Options.SmsCountries));
        Field<IntGraphType>("verifyCodeLength").Resolve(c => c.Source.VerifyCodeLength);
        Field<IntGraphType>("verifyCodeMaxAttempts").Resolve(c => c.Source.VerifyCodeMaxAttempts);
    }
}
