using GenAuth.Core.Pools;
using GraphQL.Types;

namespace GenAuth.GraphQL.Pools;

public sealed record FrequencyCheck(int TimeInterval, int Limit, bool Enabled);

public sealed class FrequencyCheckType : ObjectGraphType<FrequencyCheck>
{
    public FrequencyCheckType()
    {
        Name = "FrequentRegisterCheckConfig";
        Field<IntGraphType>("timeInterval").Resolve(c => c.Source.TimeInterval);
        Field<IntGraphType>("limit").Resolve(c => c.Source.Limit);
        Field<BooleanGraphType>("enabled").Resolve(c => c.Source.Enabled);
    }
}

public sealed class UserPoolTypeType : ObjectGraphType<object>
{
    public UserPoolTypeType()
    {
        Name = "UserPoolType";
        foreach (var n in new[] { "code", "name", "description", "image" })
            Field<StringGraphType>(n).Resolve(_ => null);
        Field<ListGraphType<StringGraphType>>("sdks").Resolve(_ => null);
    }
}

public sealed class ChangePhoneStrategyType : ObjectGraphType<UserPool>
{
    public ChangePhoneStrategyType()
    {
        Name = "ChangePhoneStrategy";
        Field<BooleanGraphType>("verifyOldPhone").Resolve(c => c.Source.ChangePhoneVerifyOld);
    }
}

public sealed class ChangeEmailStrategyType : ObjectGraphType<UserPool>
{
    public ChangeEmailStrategyType()
    {
        Name = "ChangeEmailStrategy";
        Field<BooleanGraphType>("verifyOldEmail").Resolve(c => c.Source.ChangeEmailVerifyOld);
    }
}

public sealed class QrcodeLoginStrategyType : ObjectGraphType<object>
{
    public QrcodeLoginStrategyType()
    {
        Name = "QrcodeLoginStrategy";
        Field<IntGraphType>("qrcodeExpiresAfter").Resolve(_ => 120);
        Field<BooleanGraphType>("returnFullUserInfo").Resolve(_ => false);
        Field<BooleanGraphType>("allowExchangeUserInfoFromBrowser").Resolve(_ => false);
        Field<IntGraphType>("ticketExpiresAfter").Resolve(_ => 300);
    }
}

public sealed class App2WxappLoginStrategyType : ObjectGraphType<object>
{
    public App2WxappLoginStrategyType()
    {
        Name = "App2WxappLoginStrategy";
        Field<IntGraphType>("ticketExpriresAfter").Resolve(_ => 300);
        Field<BooleanGraphType>("ticketExchangeUserInfoNeedSecret").Resolve(_ => true);
    }
}

public sealed class RegisterWhiteListConfigType : ObjectGraphType<UserPool>
{
    public RegisterWhiteListConfigType()
    {
        Name = "RegisterWhiteListConfig";
        Field<BooleanGraphType>("phoneEnabled").Resolve(c => c.Source.WhitelistPhoneEnabled);
        Field<BooleanGraphType>("emailEnabled").Resolve(c => c.Source.WhitelistEmailEnabled);
        Field<BooleanGraphType>("usernameEnabled").Resolve(c => c.Source.WhitelistUsernameEnabled);
    }
}

public sealed class CustomSmsProviderType : ObjectGraphType<object>
{
    public CustomSmsProviderType()
    {
        Name = "CustomSMSProvider";
        Field<BooleanGraphType>("enabled").Resolve(_ => false);
        Field<StringGraphType>("provider").Resolve(_ => null);
        Field<StringGraphType>("config").Resolve(_ => null);
    }
}
