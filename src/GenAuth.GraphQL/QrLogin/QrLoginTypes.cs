using GenAuth.Core.QrLogin;
using GenAuth.GraphQL.Common;
using GenAuth.GraphQL.Users;
using GraphQL.Types;

namespace GenAuth.GraphQL.QrLogin;

public sealed class QrCodeUserInfoType : ObjectGraphType<QrScannedUser>
{
    public QrCodeUserInfoType()
    {
        Name = "QrCodeUserInfo";
        Description = "The scanner as the browser may see it before the exchange: nickname and photo only.";
        Field<StringGraphType>("nickname").Resolve(c => c.Source.Nickname);
        Field<StringGraphType>("photo").Resolve(c => c.Source.Photo);
    }
}

/// <summary>The subscription's event: the code's state after a transition (or the current one, first).</summary>
public sealed class QrCodeStatusEventType : ObjectGraphType<QrCodeState>
{
    public QrCodeStatusEventType()
    {
        Name = "QrCodeStatusEvent";
        QrCodeStateFields.Add(this, s => s);
    }
}

/// <summary>check's answer (GenAuth's QRCodeStatus), also returned by scanned, confirm and cancel.</summary>
public sealed class QrCodeStatusType : ObjectGraphType<QrCheckResult>
{
    public QrCodeStatusType()
    {
        Name = "QrCodeStatus";
        QrCodeStateFields.Add(this, r => r.State);
        Field<StringGraphType>("scannedUserId").Resolve(c => c.Source.State.ScannedUserId);
        Field<UserType>("user")
            .Description("The scanner's full profile with a token (a new session), when the pool returns full user info on "
                         + "confirm (qrcodeLoginStrategy.returnFullUserInfo): answered once, by the first qrCodeStatus that "
                         + "selects it after the confirm; that consumes the ticket.")
            .Resolve(c => c.Source.User);
    }
}

internal static class QrCodeStateFields
{
    public static void Add<T>(ObjectGraphType<T> t, Func<T, QrCodeState> state)
    {
        t.Field<NonNullGraphType<StringGraphType>>("random").Resolve(c => state(c.Source).Random);
        t.Field<NonNullGraphType<IntGraphType>>("status")
            .Description("0 not scanned, 1 scanned, 2 confirmed (ticket present), 3 cancelled, -1 expired.")
            .Resolve(c => (int)state(c.Source).Status);
        t.Field<QrCodeUserInfoType>("userInfo").Resolve(c => state(c.Source).UserInfo);
        t.Field<StringGraphType>("ticket").Description("Exchanged server side for the user and a token; present once confirmed.")
            .Resolve(c => state(c.Source).Ticket);
        t.Field<NonNullGraphType<StringGraphType>>("expiresAt").Resolve(c => state(c.Source).ExpiresAt.Iso());
    }
}

public sealed record QrCodeGenerated(QrCodeCreated Code, string Url);

public sealed class QrCodeGeneratedType : ObjectGraphType<QrCodeGenerated>
{
    public QrCodeGeneratedType()
    {
        Name = "QrCodeGenerated";
        Field<NonNullGraphType<StringGraphType>>("random").Resolve(c => c.Source.Code.Random);
        Field<NonNullGraphType<IntGraphType>>("expiresIn").Description("Seconds until the code expires.").Resolve(c => c.Source.Code.ExpiresIn);
        Field<NonNullGraphType<StringGraphType>>("url").Description("The QR image (PNG).").Resolve(c => c.Source.Url);
        Field<NonNullGraphType<StringGraphType>>("expiresAt").Resolve(c => c.Source.Code.ExpiresAt.Iso());
        Field<StringGraphType>("customData").Description("customData as JSON.").Resolve(c => c.Source.Code.CustomData);
    }
}
