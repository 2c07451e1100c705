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
                var i = c.GetArgument<UpdateUserpoolInput>("input");
                return await c.Service<PoolAdminService>().UpdateAsync(new PoolSettingsInput
                {
                    Name = i.Name,
                    Logo = i.Logo,
                    Domain = i.Domain,
                    Description = i.Description,
                    EmailVerifiedDefault = i.EmailVerifiedDefault,
                    SendWelcomeEmail = i.SendWelcomeEmail,
                    RegisterDisabled = i.RegisterDisabled,
                    AllowedOrigins = i.AllowedOrigins,
                    TokenExpiresAfter = i.TokenExpiresAfter,
                    LoginRequireEmailVerified = i.LoginRequireEmailVerified,
                    AppSsoEnabled = i.AppSsoEnabled,
                    MfaRequired = i.MfaRequired,
                    PasswordMinLength = i.PasswordMinLength,
                    PasswordStrength = i.PasswordStrength,
                    VerifyCodeLength = i.VerifyCodeLength,
                    VerifyCodeMaxAttempts = i.VerifyCodeMaxAttempts,
                    ChangePhoneVerifyOld = i.ChangePhoneStrategy?.VerifyOldPhone,
                    ChangeEmailVerifyOld = i.ChangeEmailStrategy?.VerifyOldEmail,
                    Unsupported = UnsupportedPoolSettings.Of(i),
                    WhitelistEmailEnabled = i.Whitelist?.EmailEnabled,
                    WhitelistPhoneEnabled = i.Whitelist?.PhoneEnabled,
                    WhitelistUsernameEnabled = i.Whitelist?.UsernameEnabled,
                    QrCodeExpiresAfter = i.QrcodeLoginStrategy?.QrcodeExpiresAfter,
                    QrTicketExpiresAfter = i.QrcodeLoginStrategy?.TicketExpiresAfter,
                    QrReturnFullUserInfo = i.QrcodeLoginStrategy?.ReturnFullUserInfo,
                    QrAllowExchangeFromBrowser = i.QrcodeLoginStrategy?.AllowExchangeUserInfoFromBrowser,
                    DefaultLanguage = i.DefaultLanguage,
                    SmsCountries = i.SmsCountries,
                    FrequentRegisterEnabled = i.FrequentRegisterCheck?.Enabled,
                    FrequentRegisterLimit = i.FrequentRegisterCheck?.Limit,
                    FrequentRegisterInterval = i.FrequentRegisterCheck?.TimeInterval,
                    CustomSmsProviderEnabled = i.CustomSMSProvider?.Enabled,
                    LoginFailCheck = i.LoginFailCheck is { } ip ? new FailCheckInput(ip.Enabled, ip.Limit, ip.TimeInterval) : null,
                    LoginPasswordFailCheck = i.LoginPasswordFailCheck is { } pw ? new FailCheckInput(pw.Enabled, pw.Limit, pw.TimeInterval) : null,
                    LoginFailStrategy = i.LoginFailStrategy,
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

/// <summary>The updateUserpool settings this server refuses to store until their protection exists.</summary>
public static class UnsupportedPoolSettings
{
    /// <summary>
    /// passwordUpdatePolicy (forced change every forcedCycle days, no reuse of the last differenceCycle passwords) and
    /// app2WxappLoginStrategy (WeChat mini-program login, which this server doesn't have) are refused when turned on or
    /// given values; enabled: false or an empty object is accepted. Settings owned by other parts of the hardening
    /// (loginFailCheck, loginPasswordFailCheck, loginFailStrategy, frequentRegisterCheck, customSMSProvider,
    /// appSsoEnabled) are deliberately not listed here.
    /// </summary>
    public static IReadOnlyList<string> Of(UpdateUserpoolInput i)
    {
        var refused = new List<string>();
        if (i.PasswordUpdatePolicy is { } p && (p.Enabled == true || (p.Enabled != false && (p.ForcedCycle is > 0 || p.DifferenceCycle is > 0))))
            refused.Add("passwordUpdatePolicy");
        if (i.App2WxappLoginStrategy is { } w && (w.TicketExpriresAfter is not null || w.TicketExchangeUserInfoNeedSecret is not null))
            refused.Add("app2WxappLoginStrategy");
        return refused;
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

/// <summary>updateUserpool's input (SDK shape): null or left out keeps the setting; some are accepted and not stored yet.</summary>
public sealed record UpdateUserpoolInput
{
    public string? Name { get; init; }
    public string? Logo { get; init; }
    public string? Domain { get; init; }
    public string? Description { get; init; }
    public string? AllowedOrigins { get; init; }
    public string? LoginFailStrategy { get; init; }
    public List<string>? UserpoolTypes { get; init; }
    public bool? EmailVerifiedDefault { get; init; }
    public bool? SendWelcomeEmail { get; init; }
    public bool? RegisterDisabled { get; init; }
    public bool? AppSsoEnabled { get; init; }
    public bool? LoginRequireEmailVerified { get; init; }
    public int? TokenExpiresAfter { get; init; }
    public int? VerifyCodeLength { get; init; }
    public int? VerifyCodeMaxAttempts { get; init; }
    public int? PasswordMinLength { get; init; }
    public int? PasswordStrength { get; init; }
    public bool? MfaRequired { get; init; }
    public FrequencyCheckInput? FrequentRegisterCheck { get; init; }
    public FrequencyCheckInput? LoginFailCheck { get; init; }
    public PasswordUpdatePolicyInput? PasswordUpdatePolicy { get; init; }
    public FrequencyCheckInput? LoginPasswordFailCheck { get; init; }
    public ChangePhoneStrategyInput? ChangePhoneStrategy { get; init; }
    public ChangeEmailStrategyInput? ChangeEmailStrategy { get; init; }
    public QrcodeLoginStrategyInput? QrcodeLoginStrategy { get; init; }
    public App2WxappLoginStrategyInput? App2WxappLoginStrategy { get; init; }
    public RegisterWhiteListConfigInput? Whitelist { get; init; }
    public CustomSmsProviderInput? CustomSMSProvider { get; init; }
    public string? DefaultLanguage { get; init; }
    public List<string?>? SmsCountries { get; init; }
}

public sealed class UpdateUserpoolInputType : InputObjectGraphType<UpdateUserpoolInput>
{
    public UpdateUserpoolInputType()
    {
        Name = "UpdateUserpoolInput";
        Field(x => x.Name, typeof(StringGraphType)).Description("The pool's name.");
        Field(x => x.Logo, typeof(StringGraphType)).Description("The pool's logo URL.");
        Field(x => x.Domain, typeof(StringGraphType)).Description("The pool's domain (the subdomain of its hosted pages).");
        Field(x => x.Description, typeof(StringGraphType)).Description("A description of the pool.");
        Field(x => x.AllowedOrigins, typeof(StringGraphType)).Description("Origins allowed to call the API from a browser (CORS).");
        Field(x => x.LoginFailStrategy, typeof(StringGraphType)).Description(
            "What a failed loginFailCheck / loginPasswordFailCheck does: block-account (refuse until the interval passes). captcha is refused: this server has no captcha check.");
        Field(x => x.UserpoolTypes, typeof(ListGraphType<NonNullGraphType<StringGraphType>>)).Description("Accepted for SDK compatibility, not stored yet.");
        Field(x => x.EmailVerifiedDefault, typeof(BooleanGraphType)).Description("New users' emailVerified value (registration and createUser).");
        Field(x => x.SendWelcomeEmail, typeof(BooleanGraphType)).Description("Send a welcome mail after registration.");
        Field(x => x.RegisterDisabled, typeof(BooleanGraphType)).Description("Refuse self-registration (admins still create users).");
        Field(x => x.AppSsoEnabled, typeof(BooleanGraphType)).Description("Single sign-on across the pool's apps through the OIDC authorization endpoint (default true); when false a browser session is reused only for the app it signed in to.");
        Field(x => x.LoginRequireEmailVerified, typeof(BooleanGraphType)).Description("Refuse logins (and sessions at registration) until the email is verified.");
        Field(x => x.TokenExpiresAfter, typeof(IntGraphType)).Description("Lifetime of user tokens and sessions, in seconds (60 to one year).");
        Field(x => x.VerifyCodeLength, typeof(IntGraphType)).Description("Digits in a verification code (4 to 8).");
        Field(x => x.VerifyCodeMaxAttempts, typeof(IntGraphType)).Description("Wrong tries after which a verification code dies (1 to 10).");
        Field(x => x.PasswordMinLength, typeof(IntGraphType)).Description("Password policy: the minimum length (8 to 256).");
        Field(x => x.PasswordStrength, typeof(IntGraphType)).Description(
            "GenAuth's password strength, checked whenever a password is set: 0 any (default), 1 at least 6 characters, 2 at least 6 with two of letters, digits and symbols, 3 at least 6 with all three, 4 at least 12 with all three. The minimum length and the common-password list apply too.");
        Field(x => x.MfaRequired, typeof(BooleanGraphType)).Description("Every login of the pool needs a second factor (users without one enrol during login).");
        Field(x => x.FrequentRegisterCheck, typeof(FrequentRegisterCheckConfigInputType)).Description(
            "Registration frequency check: at most limit registrations from one IP in timeInterval seconds (1 to 86400), when enabled.");
        Field(x => x.LoginFailCheck, typeof(LoginFailCheckConfigInputType)).Description(
            "Per IP: limit failed logins (any accounts) within timeInterval seconds refuse that IP's logins for timeInterval.");
        Field(x => x.PasswordUpdatePolicy, typeof(PasswordUpdatePolicyInputType)).Description("Not supported yet: turning it on is refused (2650); enabled: false is accepted.");
        Field(x => x.LoginPasswordFailCheck, typeof(LoginPasswordFailCheckConfigInputType)).Description(
            "Per account: limit wrong passwords within timeInterval seconds lock the account's password logins for timeInterval, right password included.");
        Field(x => x.ChangePhoneStrategy, typeof(ChangePhoneStrategyInputType)).Description("Whether updatePhone also needs a code sent to the old number.");
        Field(x => x.ChangeEmailStrategy, typeof(ChangeEmailStrategyInputType)).Description("Whether updateEmail also needs a code sent to the old address.");
        Field(x => x.QrcodeLoginStrategy, typeof(QrcodeLoginStrategyInputType)).Description("App scan login: code and ticket lifetimes, and what the browser may learn.");
        Field(x => x.App2WxappLoginStrategy, typeof(App2WxappLoginStrategyInputType)).Description("Not supported (no WeChat mini-program login): any value is refused (2650).");
        Field(x => x.Whitelist, typeof(RegisterWhiteListConfigInputType)).Description("Which registration whitelists (phone, email, username) are enforced.");
        Field(x => x.CustomSMSProvider, typeof(CustomSmsProviderInputType)).Description(
            "Not supported yet: enabled true is refused (2095); SMS go through the server's gateway (GenAuth:Sms:Http).");
        Field(x => x.SmsCountries, typeof(ListGraphType<StringGraphType>)).Description(
            "Calling codes SMS codes may be sent to, e.g. [\"+86\", \"+852\"]; \"*\" means any country except premium and satellite ranges " +
            "(+881, +269, ...), which must be listed by name; an empty list goes back to the server default (GenAuth:Quotas:SmsCountries, +86).");
        Field(x => x.DefaultLanguage, typeof(StringGraphType)).Description(
            "The language of messages when a request names none (x-authing-lang, Accept-Language): zh-CN or en-US; \"\" resets it to zh-CN.");
    }
}

/// <summary>The SDK's three rate-limit shapes (register, login fail, password fail).</summary>
public sealed record FrequencyCheckInput(int? TimeInterval, int? Limit, bool? Enabled);

/// <summary>One graph type per SDK name, all bound to <see cref="FrequencyCheckInput"/>.</summary>
public abstract class FrequencyCheckInputType : InputObjectGraphType<FrequencyCheckInput>
{
    protected FrequencyCheckInputType(string name, string? note = " Accepted for SDK compatibility, not stored yet.")
    {
        Name = name;
        Field(x => x.TimeInterval, typeof(IntGraphType)).Description("The window, in seconds." + note);
        Field(x => x.Limit, typeof(IntGraphType)).Description("How many attempts the window allows." + note);
        Field(x => x.Enabled, typeof(BooleanGraphType)).Description("Whether the check is on." + note);
    }
}

public sealed class FrequentRegisterCheckConfigInputType : InputObjectGraphType<FrequencyCheckInput>
{
    public FrequentRegisterCheckConfigInputType()
    {
        Name = "FrequentRegisterCheckConfigInput";
        Field(x => x.TimeInterval, typeof(IntGraphType)).Description("The window, in seconds (1 to 86400).");
        Field(x => x.Limit, typeof(IntGraphType)).Description("How many registrations one IP may make in the window.");
        Field(x => x.Enabled, typeof(BooleanGraphType)).Description("Whether the check is on.");
    }
}
public sealed class LoginFailCheckConfigInputType() : FrequencyCheckInputType("LoginFailCheckConfigInput", " (1 to 86400 s, limit 1 to 10000)");
public sealed class LoginPasswordFailCheckConfigInputType() : FrequencyCheckInputType("LoginPasswordFailCheckConfigInput", " (1 to 86400 s, limit 1 to 10000)");

public sealed record PasswordUpdatePolicyInput(int? ForcedCycle, int? DifferenceCycle, bool? Enabled);

public sealed class PasswordUpdatePolicyInputType : InputObjectGraphType<PasswordUpdatePolicyInput>
{
    public PasswordUpdatePolicyInputType()
    {
        Name = "PasswordUpdatePolicyInput";
        Field(x => x.ForcedCycle, typeof(IntGraphType)).Description("Days after which the password must change. Not supported yet: refused (2650) unless enabled is false.");
        Field(x => x.DifferenceCycle, typeof(IntGraphType)).Description("How many earlier passwords may not be reused. Not supported yet: refused (2650) unless enabled is false.");
        Field(x => x.Enabled, typeof(BooleanGraphType)).Description("Whether the policy is on. Not supported yet: true is refused (2650).");
    }
}

public sealed record ChangePhoneStrategyInput(bool? VerifyOldPhone);

public sealed class ChangePhoneStrategyInputType : InputObjectGraphType<ChangePhoneStrategyInput>
{
    public ChangePhoneStrategyInputType()
    {
        Name = "ChangePhoneStrategyInput";
        Field(x => x.VerifyOldPhone, typeof(BooleanGraphType)).Description("updatePhone also needs a code sent to the old number.");
    }
}

public sealed record ChangeEmailStrategyInput(bool? VerifyOldEmail);

public sealed class ChangeEmailStrategyInputType : InputObjectGraphType<ChangeEmailStrategyInput>
{
    public ChangeEmailStrategyInputType()
    {
        Name = "ChangeEmailStrategyInput";
        Field(x => x.VerifyOldEmail, typeof(BooleanGraphType)).Description("updateEmail also needs a code sent to the old address.");
    }
}

public sealed record QrcodeLoginStrategyInput(int? QrcodeExpiresAfter, int? TicketExpiresAfter, bool? ReturnFullUserInfo,
    bool? AllowExchangeUserInfoFromBrowser);

public sealed class QrcodeLoginStrategyInputType : InputObjectGraphType<QrcodeLoginStrategyInput>
{
    public QrcodeLoginStrategyInputType()
    {
        Name = "QrcodeLoginStrategyInput";
        Field(x => x.QrcodeExpiresAfter, typeof(IntGraphType)).Description("Seconds a new QR code stays valid.");
        Field(x => x.TicketExpiresAfter, typeof(IntGraphType)).Description("Seconds a confirmed code's ticket can be exchanged.");
        Field(x => x.ReturnFullUserInfo, typeof(BooleanGraphType)).Description("The first qrCodeStatus after confirm may answer the scanner's profile with a token (qrCodeStatus.user).");
        Field(x => x.AllowExchangeUserInfoFromBrowser, typeof(BooleanGraphType)).Description("The browser may exchange the ticket itself (else only a server with the pool's secret).");
    }
}

/// <summary>The SDK's mini-program login settings (its field name keeps GenAuth's spelling, "Exprires").</summary>
public sealed record App2WxappLoginStrategyInput(int? TicketExpriresAfter, bool? TicketExchangeUserInfoNeedSecret);

public sealed class App2WxappLoginStrategyInputType : InputObjectGraphType<App2WxappLoginStrategyInput>
{
    public App2WxappLoginStrategyInputType()
    {
        Name = "App2WxappLoginStrategyInput";
        Field(x => x.TicketExpriresAfter, typeof(IntGraphType)).Description("Seconds a mini-program ticket stays valid (GenAuth's spelling). Not supported: refused (2650).");
        Field(x => x.TicketExchangeUserInfoNeedSecret, typeof(BooleanGraphType)).Description("Exchanging the ticket needs the pool secret. Not supported: refused (2650).");
    }
}

public sealed record RegisterWhiteListConfigInput(bool? PhoneEnabled, bool? EmailEnabled, bool? UsernameEnabled);

public sealed class RegisterWhiteListConfigInputType : InputObjectGraphType<RegisterWhiteListConfigInput>
{
    public RegisterWhiteListConfigInputType()
    {
        Name = "RegisterWhiteListConfigInput";
        Field(x => x.PhoneEnabled, typeof(BooleanGraphType)).Description("Only phones on the PHONE whitelist may register.");
        Field(x => x.EmailEnabled, typeof(BooleanGraphType)).Description("Only emails on the EMAIL whitelist may register.");
        Field(x => x.UsernameEnabled, typeof(BooleanGraphType)).Description("Only usernames on the USERNAME whitelist may register.");
    }
}

public sealed record CustomSmsProviderInput(bool? Enabled, string? Provider, string? Config);

public sealed class CustomSmsProviderInputType : InputObjectGraphType<CustomSmsProviderInput>
{
    public CustomSmsProviderInputType()
    {
        Name = "CustomSMSProviderInput";
        Field(x => x.Enabled, typeof(BooleanGraphType)).Description("Send SMS through a custom provider: not supported yet, true is refused (2095).");
        Field(x => x.Provider, typeof(StringGraphType)).Description("The provider's name (ignored while custom providers are not supported).");
        Field(x => x.Config, typeof(StringGraphType)).Description("The provider's settings, JSON (ignored while custom providers are not supported).");
    }
}
