using GenAuth.Core.Common;
using GenAuth.Core.Pools;
using Microsoft.Extensions.Logging;

namespace GenAuth.Core.Messaging;

/// <summary>Delivers a message through the configured channel (SMTP, SMS gateway) or, when none is, to the outbox.</summary>
public sealed partial class Messenger(SmtpMailer smtp, ISmsProvider sms, Outbox outbox, ILogger<Messenger> logger)
{
    public async Task SendEmailAsync(UserPool pool, OutgoingMessage message, CancellationToken ct)
    {
        if (!smtp.IsConfigured(pool))
        {
            await outbox.AppendAsync(message, ct);
            return;
        }
        try
        {
            await smtp.SendAsync(pool, message, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Note: the exception type only; its message may carry the recipient.
            Failed(logger, "email", message.Scene, e.GetType().Name);
            throw new GenAuthException(ErrorCodes.DeliveryFailed);
        }
    }

    public async Task SendSmsAsync(SmsRequest request, CancellationToken ct)
    {
        if (!sms.IsConfigured)
        {
            await outbox.AppendAsync(new OutgoingMessage(OutgoingMessage.Sms, request.Phone, request.Scene, "", request.Text,
                Code: request.Code), ct);
            return;
        }
        try
        {
            await sms.SendAsync(request, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Failed(logger, "sms", request.Scene, e.GetType().Name);
            throw new GenAuthException(ErrorCodes.DeliveryFailed);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering a {Channel} {Scene} message failed: {Error}")]
    private static partial void Failed(ILogger logger, string channel, string scene, string error);
}
