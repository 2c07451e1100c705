using GenAuth.Core.Admin;
using GenAuth.Core.Pools;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Pools;

/// <summary>whitelist query (SDK: WhitelistDocument).</summary>
public sealed class PoolAdminQueries : IQueryFields
{
    public void Register(ObjectGraphType q)
    {
        q.Field<NonNullGraphType<ListGraphType<NonNullGraphType<WhiteListType>>>>("whitelist")
            .Description("The registration whitelist of one type.")
            .Argument<NonNullGraphType<WhitelistTypeEnum>>("type")
            .AdminOnly()
            .ResolveAsync(async c => await c.Service<WhitelistService>().ListAsync(c.GetArgument<string>("type"), c.CancellationToken));
    }
}

/// <summary>updateUserpool, refreshUserpoolSecret, addWhitelist, removeWhitelist (SDK names).</summary>
public sealed class PoolAdminMutations : IMutationFields
{
    public void Register(ObjectGraphType m)
    {
        m.Field<NonNullGraphType<UserPoolType>>("updateUserpool")
            .Description("Changes the pool's settings; fields left out keep their value.")
            .Argument<NonNullGraphType<UpdateUserpoolInputType>>("input")
            .AdminOnly()
            .ResolveAsync(async c =>
            {
                var i = c.GetArgument<Dictionary<string, object?>>("input");
                var whitelist = i.GetValueOrDefault("whitelist") as Dictionary<string, object?> ?? [];
                var qr = i.GetValueOrDefault("qrcodeLoginStrategy") as Dictionary<string, object?> ?? [];
                return await c.Service<PoolAdminService>().UpdateAsync(new PoolSettingsInput
                {
                    Name = i.GetValueOrDefault("name") as string,
                    Logo = i.GetValueOrDefault("logo") as string,
                    Domain = i.GetValueOrDefault("domain") as string,
                    Description = i.GetValueOrDefault("description") as string,
                    EmailVerifiedDefault = i.GetValueOrDefault("emailVerifiedDefault") as bool?,
                    SendWelcomeEmail = i.GetValueOrDefault("sendWelcomeEmail") as bool?,
                    RegisterDisabled = i.GetValueOrDefault("registerDisabled") as bool?,
                    AllowedOrigins = i.GetValueOrDefault("allowedOrigins") as string,
                    TokenExpiresAfter = i.GetValueOrDefault("tokenExpiresAfter") as int?,
                    LoginRequireEmailVerified = i.GetValueOrDefault("loginRequireEmailVerified") as bool?,
                    MfaRequired = i.GetValueOrDefault("mfaRequired") as bool?,
                    PasswordMinLength = i.GetValueOrDefault("passwordMinLength") as int?,
                    WhitelistEmailEnabled = whitelist.GetValueOrDefault("emailEnabled") as bool?,
                    WhitelistPhoneEnabled = whitelist.GetValueOrDefault("phoneEnabled") as bool?,
                    WhitelistUsernameEnabled = whitelist.GetValueOrDefault("usernameEnabled") as bool?,
                    QrCodeExpiresAfter = qr.GetValueOrDefault("qrcodeExpiresAfter") as int?,
                    QrTicketExpiresAfter = qr.GetValueOrDefault("ticketExpiresAfter") as int?,
                    QrReturnFullUserInfo = qr.GetValueOrDefault("returnFullUserInfo") as bool?,
                    QrAllowExchangeFromBrowser = qr.GetValueOrDefault("allowExchangeUserInfoFromBrowser") as bool?,
                }, c.CancellationToken);
            });
        m.Field<NonNullGraphType<StringGraphType>>("refreshUserpoolSecret")
            .Description("A new pool secret; management tokens issued with the old one stop working.")
            .AdminOnly()
            .ResolveAsync(async c => await c.Service<PoolAdminService>().RefreshSecretAsync(c.CancellationToken));
        m.Field<NonNullGraphType<ListGraphType<WhiteListType>>>("addWhitelist")
            .Description("Adds values to a registration whitelist; answers their entries.")
            .Argument<NonNullGraphType<WhitelistTypeEnum>>("type")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("list")
            .AdminOnly()
            .ResolveAsync(async c => await c.Service<WhitelistService>().AddAsync(c.GetArgument<string>("type"),
                c.GetArgument<List<string>>("list"), c.CancellationToken));
        m.Field<NonNullGraphType<ListGraphType<WhiteListType>>>("removeWhitelist")
            .Description("Removes values from a registration whitelist; answers the removed entries.")
            .Argument<NonNullGraphType<WhitelistTypeEnum>>("type")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("list")
            .AdminOnly()
            .ResolveAsync(async c => await c.Service<WhitelistService>().RemoveAsync(c.GetArgument<string>("type"),
                c.GetArgument<List<string>>("list"), c.CancellationToken));
    }
}

public sealed class WhitelistTypeEnum : EnumerationGraphType
{
    public WhitelistTypeEnum()
    {
        Name = "WhitelistType";
        foreach (var t in WhitelistService.Types)
            Add(t, t);
    }
}

public sealed class WhiteListType : ObjectGraphType<WhitelistEntry>
{
    public WhiteListType()
    {
        Name = "WhiteList";
        Field<StringGraphType>("createdAt").Resolve(c => c.Source.CreatedAt.Iso());
        Field<StringGraphType>("updatedAt").Resolve(c => c.Source.CreatedAt.Iso()); // entries are never edited, only added and removed
        Field<NonNullGraphType<StringGraphType>>("value").Resolve(c => c.Source.Value);
    }
}

public sealed class UpdateUserpoolInputType : InputObjectGraphType
{
    public UpdateUserpoolInputType()
    {
        Name = "UpdateUserpoolInput";
        foreach (var n in new[] { "name", "logo", "domain", "description", "allowedOrigins", "loginFailStrategy" })
            Field<StringGraphType>(n);
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("userpoolTypes");
        foreach (var n in new[] { "emailVerifiedDefault", "sendWelcomeEmail", "registerDisabled", "appSsoEnabled", "loginRequireEmailVerified" })
            Field<BooleanGraphType>(n);
        Field<IntGraphType>("tokenExpiresAfter");
        Field<IntGraphType>("verifyCodeLength");
        Field<IntGraphType>("verifyCodeMaxAttempts");
        Field<IntGraphType>("passwordMinLength").Description("Password policy: the minimum length (8 to 256).");
        Field<BooleanGraphType>("mfaRequired").Description("Every login of the pool needs a second factor (users without one enrol during login).");
        Field<FrequentRegisterCheckConfigInputType>("frequentRegisterCheck");
        Field<LoginFailCheckConfigInputType>("loginFailCheck");
        Field<PasswordUpdatePolicyInputType>("passwordUpdatePolicy");
        Field<LoginPasswordFailCheckConfigInputType>("loginPasswordFailCheck");
        Field<ChangePhoneStrategyInputType>("changePhoneStrategy");
        Field<ChangeEmailStrategyInputType>("changeEmailStrategy");
        Field<QrcodeLoginStrategyInputType>("qrcodeLoginStrategy");
        Field<App2WxappLoginStrategyInputType>("app2WxappLoginStrategy");
        Field<RegisterWhiteListConfigInputType>("whitelist");
        Field<CustomSmsProviderInputType>("customSMSProvider");
    }
}

/// <summary>SDK input shapes of updateUserpool; the ones this server has no setting for yet are accepted and ignored.</summary>
public abstract class SimpleInput : InputObjectGraphType
{
    protected SimpleInput(string name, string[] ints, string[] bools, string[]? strings = null)
    {
        Name = name;
        foreach (var n in ints)
            Field<IntGraphType>(n);
        foreach (var n in bools)
            Field<BooleanGraphType>(n);
        foreach (var n in strings ?? [])
            Field<StringGraphType>(n);
    }
}

public sealed class FrequentRegisterCheckConfigInputType() : SimpleInput("FrequentRegisterCheckConfigInput", ["timeInterval", "limit"], ["enabled"]);
public sealed class LoginFailCheckConfigInputType() : SimpleInput("LoginFailCheckConfigInput", ["timeInterval", "limit"], ["enabled"]);
public sealed class LoginPasswordFailCheckConfigInputType() : SimpleInput("LoginPasswordFailCheckConfigInput", ["timeInterval", "limit"], ["enabled"]);
public sealed class PasswordUpdatePolicyInputType() : SimpleInput("PasswordUpdatePolicyInput", ["forcedCycle", "differenceCycle"], ["enabled"]);
public sealed class ChangePhoneStrategyInputType() : SimpleInput("ChangePhoneStrategyInput", [], ["verifyOldPhone"]);
public sealed class ChangeEmailStrategyInputType() : SimpleInput("ChangeEmailStrategyInput", [], ["verifyOldEmail"]);
public sealed class QrcodeLoginStrategyInputType() : SimpleInput("QrcodeLoginStrategyInput", ["qrcodeExpiresAfter", "ticketExpiresAfter"],
    ["returnFullUserInfo", "allowExchangeUserInfoFromBrowser"]);
public sealed class App2WxappLoginStrategyInputType() : SimpleInput("App2WxappLoginStrategyInput", ["ticketExpriresAfter"], ["ticketExchangeUserInfoNeedSecret"]);
public sealed class RegisterWhiteListConfigInputType() : SimpleInput("RegisterWhiteListConfigInput", [], ["phoneEnabled", "emailEnabled", "usernameEnabled"]);
public sealed class CustomSmsProviderInputType() : SimpleInput("CustomSMSProviderInput", [], ["enabled"], ["provider", "config"]);
