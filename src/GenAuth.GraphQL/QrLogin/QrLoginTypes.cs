using GenAuth.Core.QrLogin;
using GenAuth.GraphQL.Common;
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
        QrCodeStateFields.Add(this);
    }
}

/// <summary>check's answer (GenAuth's QRCodeStatus), also returned by scanned, confirm and cancel.</summary>
public sealed class QrCodeStatusType : ObjectGraphType<QrCodeState>
{
    public QrCodeStatusType()
    {
        Name = "QrCodeStatus";
        QrCodeStateFields.Add(this);
        Field<StringGraphType>("scannedUserId").Resolve(c => c.Source.ScannedUserId);
    }
}

internal static class QrCodeStateFields
{
    public static void Add(ObjectGraphType<QrCodeState> t)
    {
        t.Field<NonNullGraphType<StringGraphType>>("random").Resolve(c => c.Source.Random);
        t.Field<NonNullGraphType<IntGraphType>>("status")
            .Description("0 not scanned, 1 scanned, 2 confirmed (ticket present), 3 cancelled, -1 expired.")
            .Resolve(c => (int)c.Source.Status);
        t.Field<QrCodeUserInfoType>("userInfo").Resolve(c => c.Source.UserInfo);
        t.Field<StringGraphType>("ticket").Description("Exchanged server side for the user and a token; present once confirmed.")
            .Resolve(c => c.Source.Ticket);
        t.Field<NonNullGraphType<StringGraphType>>("expiresAt").Resolve(c => c.Source.ExpiresAt.Iso());
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
