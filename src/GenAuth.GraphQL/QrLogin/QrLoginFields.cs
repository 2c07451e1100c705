using GenAuth.Core.QrLogin;
using GenAuth.Core.Tokens;
using GenAuth.Core.SignIn;
using GenAuth.GraphQL.Common;
using GenAuth.GraphQL.Users;
using GraphQL;
using GraphQL.Types;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.GraphQL.QrLogin;

/// <summary>App scan login over GraphQL: the REST flow's operations, and the status subscription.</summary>
public sealed class QrLoginFields : IQueryFields, IMutationFields, ISubscriptionFields
{
    void IQueryFields.Register(ObjectGraphType q)
    {
        q.Field<NonNullGraphType<QrCodeStatusType>>("qrCodeStatus")
            .PublicAccess()
            .Description("A QR code's status (REST check); expiry is applied when due.")
            .Argument<NonNullGraphType<StringGraphType>>("random")
            .ResolveAsync(async c => await c.Service<QrSignInService>().CheckStatusAsync(c.GetArgument<string>("random"), SelectsUser(c),
                c.CancellationToken).RequireSignedIn());
    }

    void IMutationFields.Register(ObjectGraphType m)
    {
        m.Field<NonNullGraphType<QrCodeGeneratedType>>("geneQrCode")
            .PublicAccess()
            .Description("Generates a QR code for app scan login in the caller's pool (REST gene).")
            .Argument<StringGraphType>("scene", a => a.DefaultValue = QrLoginService.AppAuthScene)
            .Argument<StringGraphType>("customData", "A JSON object written into the QR payload.")
            .ResolveAsync(async c =>
            {
                var code = await Qr(c).GenerateAsync(c.GetArgument<string?>("scene"), c.GetArgument<string?>("customData"),
                    c.CancellationToken);
                return new QrCodeGenerated(code, BaseUrl(c) + QrLoginService.ImagePath(code.Random));
            });
        AddTransition(m, "markQrCodeScanned", "The app marks the code scanned (needs the end user's token).",
            (s, r, ct) => s.ScannedAsync(r, ct));
        AddTransition(m, "confirmQrCode", "The scanner agrees to sign in: a single-use ticket is issued.",
            (s, r, ct) => s.ConfirmAsync(r, ct));
        AddTransition(m, "cancelQrCode", "The scanner refuses to sign in.", (s, r, ct) => s.CancelAsync(r, ct));
        m.Field<NonNullGraphType<UserType>>("exchangeQrCodeTicket")
            .AdminOnly()
            .Description("Server side (management token): a confirmed code's ticket → the user and a new token. Single use.")
            .Argument<NonNullGraphType<StringGraphType>>("ticket")
            .ResolveAsync(async c => await c.Service<QrSignInService>().ExchangeTicketAsync(c.GetArgument<string>("ticket"), null,
                c.CancellationToken).RequireSignedIn());
    }

    void ISubscriptionFields.Register(ObjectGraphType s)
    {
        s.Field<NonNullGraphType<QrCodeStatusEventType>>("qrCodeStatusChanged")
            .Description("The code's current status, then every transition (expiry is pushed); completes after a terminal status.")
            .Argument<NonNullGraphType<StringGraphType>>("random")
            .PublicAccess()
            .ResolveStreamAsync(async c =>
                (IObservable<object?>)await Qr(c).SubscribeAsync(c.GetArgument<string>("random"), c.CancellationToken))
            .Resolve(c => c.Source);
    }

    private static void AddTransition(ObjectGraphType m, string name, string description,
        Func<QrLoginService, string, CancellationToken, Task<QrCodeState>> transition) =>
        m.Field<NonNullGraphType<QrCodeStatusType>>(name)
            .UserAccess()
            .Description(description)
            .Argument<NonNullGraphType<StringGraphType>>("random")
            .ResolveAsync(async c => new QrCheckResult(await transition(Qr(c), c.GetArgument<string>("random"), c.CancellationToken), null));

    /// <summary>Only a query that asks for the user may consume the ticket: otherwise the new session's token would be lost.</summary>
    private static bool SelectsUser(IResolveFieldContext c) =>
        c.SubFields?.Values.Any(f => f.FieldType.Name == "user") == true;

    private static QrLoginService Qr(IResolveFieldContext c) => c.Service<QrLoginService>();

    private static string BaseUrl(IResolveFieldContext c)
    {
        if (c.RequestServices!.GetService<IHttpContextAccessor>()?.HttpContext?.Request is { } r)
            return $"{(r.Scheme == "wss" ? "https" : r.Scheme == "ws" ? "http" : r.Scheme)}://{r.Host}{r.PathBase}";
        return c.Service<IssuerProvider>().BaseUrl;
    }
}
