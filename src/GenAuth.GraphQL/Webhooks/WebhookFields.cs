using GenAuth.Core.Webhooks;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Webhooks;

/// <summary>The pool's webhooks (admins): endpoints, their deliveries, resend and test.</summary>
public sealed class WebhookFields : IQueryFields, IMutationFields
{
    void IQueryFields.Register(ObjectGraphType q)
    {
        q.Field<NonNullGraphType<ListGraphType<NonNullGraphType<WebhookType>>>>("webhooks")
            .AdminOnly()
            .Description("The pool's webhooks, oldest first (secrets are never returned).")
            .ResolveAsync(async c => await c.Service<WebhookService>().ListAsync(c.CancellationToken));
        q.Field<NonNullGraphType<WebhookDeliveryPageType>>("webhookDeliveries")
            .AdminOnly()
            .Description("A webhook's deliveries, newest first, in keyset pages.")
            .Argument<NonNullGraphType<StringGraphType>>("webhookId", "The webhook's id.")
            .Argument<StringGraphType>("status", "pending, succeeded or failed; all when omitted.")
            .Argument<IntGraphType>("first", "Page size (1 to 200, default 20).")
            .Argument<StringGraphType>("after", "The endCursor of the previous page.")
            .PagedBy("first", fallback: 20)
            .ResolveAsync(async c => await c.Service<WebhookService>().DeliveriesAsync(c.GetArgument<string>("webhookId"),
                c.GetArgument<string?>("status"), c.GetArgument<int?>("first"), c.GetArgument<string?>("after"), c.CancellationToken));
    }

    void IMutationFields.Register(ObjectGraphType m)
    {
        m.Field<NonNullGraphType<WebhookType>>("addWebhook")
            .AdminOnly()
            .Description("Adds a webhook: the pool's events it names are POSTed to its URL, signed with its secret (X-GenAuth-Signature).")
            .Argument<NonNullGraphType<AddWebhookInputType>>("input", "The webhook's settings.")
            .ResolveAsync(async c => await c.Service<WebhookService>().AddAsync(c.GetArgument<WebhookFieldsInput>("input").ToInput(), c.CancellationToken));
        m.Field<NonNullGraphType<WebhookType>>("updateWebhook")
            .AdminOnly()
            .Description("Changes a webhook; omitted fields stay.")
            .Argument<NonNullGraphType<StringGraphType>>("id", "The webhook's id.")
            .Argument<NonNullGraphType<UpdateWebhookInputType>>("input", "The fields to change.")
            .ResolveAsync(async c => await c.Service<WebhookService>().UpdateAsync(c.GetArgument<string>("id"),
                c.GetArgument<WebhookFieldsInput>("input").ToInput(), c.CancellationToken));
        m.Field<NonNullGraphType<CommonMessageType>>("deleteWebhook")
            .AdminOnly()
            .Description("Deletes a webhook and its deliveries (pending ones are not sent).")
            .Argument<NonNullGraphType<StringGraphType>>("id", "The webhook's id.")
            .ResolveAsync(async c =>
            {
                await c.Service<WebhookService>().DeleteAsync(c.GetArgument<string>("id"), c.CancellationToken);
                return Messages.Ok(c, "删除 Webhook 成功", "Webhook deleted");
            });
        m.Field<NonNullGraphType<WebhookDeliveryType>>("resendWebhookDelivery")
            .AdminOnly()
            .Description("Sends a delivery again (due now, with a new retry window); the worker makes the attempts.")
            .Argument<NonNullGraphType<StringGraphType>>("id", "The delivery's id.")
            .ResolveAsync(async c => await c.Service<WebhookService>().ResendAsync(c.GetArgument<string>("id"), c.CancellationToken));
        m.Field<NonNullGraphType<WebhookDeliveryType>>("testWebhook")
            .AdminOnly()
            .Description("Sends the test event to a webhook now (one attempt, no retry) and returns its delivery with the response.")
            .Argument<NonNullGraphType<StringGraphType>>("id", "The webhook's id.")
            .ResolveAsync(async c => await c.Service<WebhookService>().TestAsync(c.GetArgument<string>("id"), c.CancellationToken));
    }
}

public sealed class WebhookType : ObjectGraphType<Webhook>
{
    public WebhookType()
    {
        Name = "Webhook";
        Description = "An endpoint that receives the pool's events.";
        Field<NonNullGraphType<StringGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<StringGraphType>>("url").Resolve(c => c.Source.Url);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("events")
            .Description("Event names (login, register, mfaVerify, user:updated, user:password-changed, user:email-verified, an audit type) or *.")
            .Resolve(c => c.Source.Events.Split(','));
        Field<NonNullGraphType<StringGraphType>>("contentType").Resolve(c => c.Source.ContentType);
        Field<NonNullGraphType<BooleanGraphType>>("enabled").Resolve(c => c.Source.Enabled);
        Field<NonNullGraphType<StringGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt.Iso());
        Field<NonNullGraphType<StringGraphType>>("updatedAt").Resolve(c => c.Source.UpdatedAt.Iso());
    }
}

public sealed class WebhookDeliveryType : ObjectGraphType<WebhookDelivery>
{
    public WebhookDeliveryType()
    {
        Name = "WebhookDelivery";
        Description = "One event sent (or to be sent) to one webhook, with its last attempt.";
        Field<NonNullGraphType<StringGraphType>>("id").Description("Also sent as X-GenAuth-Delivery.")
            .Resolve(c => c.Source.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Field<NonNullGraphType<StringGraphType>>("webhookId").Resolve(c => c.Source.WebhookId);
        Field<StringGraphType>("eventId").Description("The event log id (auditLogs); none for the test event.")
            .Resolve(c => c.Source.EventId?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Field<NonNullGraphType<StringGraphType>>("eventName").Resolve(c => c.Source.EventName);
        Field<NonNullGraphType<StringGraphType>>("status").Description("pending, succeeded or failed.").Resolve(c => c.Source.Status);
        Field<NonNullGraphType<IntGraphType>>("attempts").Resolve(c => c.Source.Attempts);
        Field<NonNullGraphType<StringGraphType>>("payload").Description("The JSON body sent.").Resolve(c => c.Source.Payload);
        Field<NonNullGraphType<StringGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt.Iso());
        Field<StringGraphType>("nextAttemptAt").Description("When a pending delivery is tried next.")
            .Resolve(c => c.Source.Status == WebhookDeliveryStatus.Pending && c.Source.NextAttemptAt != DateTime.MaxValue
                ? c.Source.NextAttemptAt.Iso() : null);
        Field<StringGraphType>("lastAttemptAt").Resolve(c => c.Source.LastAttemptAt.Iso());
        Field<StringGraphType>("completedAt").Resolve(c => c.Source.CompletedAt.Iso());
        Field<IntGraphType>("responseStatus").Description("The last response's HTTP status.").Resolve(c => c.Source.ResponseStatus);
        Field<StringGraphType>("responseBody").Description("The first bytes of the last response's body.").Resolve(c => c.Source.ResponseBody);
        Field<StringGraphType>("error").Description("Why the last attempt got no response (timeout, refused address, connection).")
            .Resolve(c => c.Source.Error);
    }
}

public sealed class WebhookDeliveryPageType : ObjectGraphType<WebhookDeliveryPage>
{
    public WebhookDeliveryPageType()
    {
        Name = "WebhookDeliveryPage";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<WebhookDeliveryType>>>>("items").WithComplexityImpact(1, 1)
            .Description("Newest first.").Resolve(c => c.Source.Items);
        Field<StringGraphType>("endCursor").Description("Pass as after for the next page.").Resolve(c => c.Source.EndCursor);
        Field<NonNullGraphType<BooleanGraphType>>("hasNextPage").Resolve(c => c.Source.HasNextPage);
    }
}

/// <summary>addWebhook's and updateWebhook's input (updateWebhook: null keeps the stored value).</summary>
public sealed record WebhookFieldsInput(string? Url, List<string>? Events, string? ContentType, string? Secret, bool? Enabled)
{
    public WebhookInput ToInput() => new(Url, Events, ContentType, Secret, Enabled);
}

public sealed class AddWebhookInputType : InputObjectGraphType<WebhookFieldsInput>
{
    public AddWebhookInputType()
    {
        Name = "AddWebhookInput";
        Field(x => x.Url, typeof(NonNullGraphType<StringGraphType>)).Description("Where events are POSTed (http or https; no loopback or private address unless the server allows it).");
        Field(x => x.Events, typeof(NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>))
            .Description("Event names to send (GenAuth's webhook names, audit types) or * for all; 1 to 50.");
        Field(x => x.ContentType, typeof(StringGraphType)).Description("application/json (default) or application/x-www-form-urlencoded.");
        Field(x => x.Secret, typeof(NonNullGraphType<StringGraphType>)).Description("The HMAC-SHA256 key of X-GenAuth-Signature (16 to 256 characters); stored sealed, never returned.");
        Field(x => x.Enabled, typeof(BooleanGraphType)).Description("Whether events are sent (default true).");
    }
}

public sealed class UpdateWebhookInputType : InputObjectGraphType<WebhookFieldsInput>
{
    public UpdateWebhookInputType()
    {
        Name = "UpdateWebhookInput";
        Field(x => x.Url, typeof(StringGraphType)).Description("Where events are POSTed.");
        Field(x => x.Events, typeof(ListGraphType<NonNullGraphType<StringGraphType>>)).Description("Event names to send, or *.");
        Field(x => x.ContentType, typeof(StringGraphType)).Description("application/json or application/x-www-form-urlencoded.");
        Field(x => x.Secret, typeof(StringGraphType)).Description("A new HMAC key (16 to 256 characters).");
        Field(x => x.Enabled, typeof(BooleanGraphType)).Description("Whether events are sent.");
    }
}
