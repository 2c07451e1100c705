using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Webhooks;

/// <summary>Errors of the webhook admin fields.</summary>
public static class WebhookErrors
{
    public static readonly ErrorCode NotFound = new(2550, "Webhook 不存在", "The webhook does not exist");
    public static readonly ErrorCode DeliveryNotFound = new(2551, "Webhook 推送记录不存在", "The webhook delivery does not exist");
    public static readonly ErrorCode UrlRefused = new(2552, "不允许向此地址推送 Webhook", "Webhooks may not be sent to this address");
    public static readonly ErrorCode Invalid = new(2553, "Webhook 配置不合法", "Invalid webhook settings");
    public static readonly ErrorCode TooMany = new(2554, "Webhook 数量已达上限", "This user pool has as many webhooks as allowed");
}

/// <summary>What addWebhook/updateWebhook were given; null leaves a field as it is (updateWebhook).</summary>
public sealed record WebhookInput(string? Url, IReadOnlyList<string>? Events, string? ContentType, string? Secret, bool? Enabled);

public sealed record WebhookDeliveryPage(IReadOnlyList<WebhookDelivery> Items, string? EndCursor, bool HasNextPage);

/// <summary>The pool admin's webhook fields. Secrets are sealed at rest and never read back.</summary>
public sealed class WebhookService(GenAuthDbContext db, CallerContext caller, WebhookSender sender, IOptions<WebhookOptions> options,
    TimeProvider clock)
{
    public const int MaxUrlLength = 2048;
    public const int MinSecretLength = 16;
    public const int MaxSecretLength = 256;
    public const string JsonContentType = "application/json";
    public const string FormContentType = "application/x-www-form-urlencoded";

    public async Task<List<Webhook>> ListAsync(CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        return await db.Webhooks.AsNoTracking().Where(w => w.UserPoolId == pool.Id).OrderBy(w => w.CreatedAt).ToListAsync(ct);
    }

    public async Task<Webhook> AddAsync(WebhookInput input, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        if (input.Url is null || input.Events is null || input.Secret is null)
            throw Invalid("url, events and secret are required");
        if (await db.Webhooks.CountAsync(w => w.UserPoolId == pool.Id, ct) >= options.Value.MaxPerPool)
            throw new GenAuthException(WebhookErrors.TooMany, detail: $"at most {options.Value.MaxPerPool}");
        var now = clock.GetUtcNow().UtcDateTime;
        var hook = new Webhook
        {
            Id = Ids.New(clock),
            UserPoolId = pool.Id,
            Url = CheckUrl(input.Url),
            Events = CheckEvents(input.Events),
            ContentType = CheckContentType(input.ContentType ?? JsonContentType),
            SealedSecret = sender.SealSecret(CheckSecret(input.Secret)),
            Enabled = input.Enabled ?? true,
            // Only events after this one: a new webhook doesn't receive the pool's history.
            StartAfterEventId = await db.AuditEvents.IgnoreQueryFilters().MaxAsync(e => (long?)e.Id, ct) ?? 0,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Webhooks.Add(hook);
        await db.SaveChangesAsync(ct);
        return hook;
    }

    public async Task<Webhook> UpdateAsync(string id, WebhookInput input, CancellationToken ct)
    {
        var hook = await FindAsync(id, ct);
        if (input.Url is not null)
            hook.Url = CheckUrl(input.Url);
        if (input.Events is not null)
            hook.Events = CheckEvents(input.Events);
        if (input.ContentType is not null)
            hook.ContentType = CheckContentType(input.ContentType);
        if (input.Secret is not null)
            hook.SealedSecret = sender.SealSecret(CheckSecret(input.Secret));
        if (input.Enabled is { } enabled)
            hook.Enabled = enabled;
        hook.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return hook;
    }

    /// <summary>Deletes the webhook and its deliveries (pending ones are not sent).</summary>
    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        var hook = await FindAsync(id, ct);
        db.Webhooks.Remove(hook);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>A webhook's deliveries, newest first, in keyset pages (after = a previous page's endCursor).</summary>
    public async Task<WebhookDeliveryPage> DeliveriesAsync(string webhookId, string? status, int? first, string? after, CancellationToken ct)
    {
        var hook = await FindAsync(webhookId, ct);
        var take = Math.Clamp(first ?? 20, 1, 200);
        var q = db.WebhookDeliveries.AsNoTracking().Where(d => d.UserPoolId == hook.UserPoolId && d.WebhookId == hook.Id);
        if (status is not null)
        {
            if (status is not (WebhookDeliveryStatus.Pending or WebhookDeliveryStatus.Succeeded or WebhookDeliveryStatus.Failed))
                throw new GenAuthException(ErrorCodes.BadRequest, detail: "'status' must be pending, succeeded or failed");
            q = q.Where(d => d.Status == status);
        }
        if (after is not null)
        {
            var cursor = ParseId(after, "after");
            q = q.Where(d => d.Id < cursor);
        }
        var rows = await q.OrderByDescending(d => d.Id).Take(take + 1).ToListAsync(ct);
        var more = rows.Count > take;
        if (more)
            rows.RemoveAt(take);
        return new WebhookDeliveryPage(rows, rows.Count > 0 ? rows[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture) : after, more);
    }

    /// <summary>Sends a delivery again: due now, with a new retry window (a pending one is only made due now).</summary>
    public async Task<WebhookDelivery> ResendAsync(string deliveryId, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        var id = ParseId(deliveryId, "id");
        var d = await db.WebhookDeliveries.FirstOrDefaultAsync(x => x.UserPoolId == pool.Id && x.Id == id, ct)
                ?? throw new GenAuthException(WebhookErrors.DeliveryNotFound);
        var now = clock.GetUtcNow().UtcDateTime;
        if (d.Status != WebhookDeliveryStatus.Pending)
        {
            d.Status = WebhookDeliveryStatus.Pending;
            d.WindowStartedAt = now;
            d.CompletedAt = null;
            d.LeaseOwner = null;
            d.LeaseUntil = null;
        }
        d.NextAttemptAt = now;
        await db.SaveChangesAsync(ct);
        return d;
    }

    /// <summary>Sends GenAuth's test event now (one attempt, no retry) and records it as a delivery.</summary>
    public async Task<WebhookDelivery> TestAsync(string id, CancellationToken ct)
    {
        var hook = await FindAsync(id, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var d = new WebhookDelivery
        {
            UserPoolId = hook.UserPoolId,
            WebhookId = hook.Id,
            EventName = WebhookEvents.Test,
            Payload = WebhookEvents.TestPayload(hook.UserPoolId),
            Status = WebhookDeliveryStatus.Pending,
            CreatedAt = now,
            WindowStartedAt = now,
            // Note: not due for the worker; this request makes the one attempt.
            NextAttemptAt = DateTime.MaxValue,
        };
        db.WebhookDeliveries.Add(d);
        await db.SaveChangesAsync(ct);
        var attempt = await sender.SendAsync(hook, d.Id, d.EventName, d.Payload, ct);
        WebhookWorker.Record(d, attempt, clock.GetUtcNow().UtcDateTime);
        d.Status = attempt.Succeeded ? WebhookDeliveryStatus.Succeeded : WebhookDeliveryStatus.Failed;
        d.CompletedAt = d.LastAttemptAt;
        await db.SaveChangesAsync(CancellationToken.None);
        return d;
    }

    private async Task<Webhook> FindAsync(string id, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        return await db.Webhooks.FirstOrDefaultAsync(w => w.UserPoolId == pool.Id && w.Id == id, ct)
               ?? throw new GenAuthException(WebhookErrors.NotFound);
    }

    private string CheckUrl(string url)
    {
        url = url.Trim();
        if (url.Length is 0 or > MaxUrlLength)
            throw Invalid($"the URL must be 1 to {MaxUrlLength} characters");
        if (WebhookAddresses.UrlRefusal(url, options.Value) is { } refusal)
            throw new GenAuthException(refusal.StartsWith("the URL", StringComparison.Ordinal) ? WebhookErrors.Invalid : WebhookErrors.UrlRefused,
                detail: refusal);
        return url;
    }

    private static string CheckEvents(IReadOnlyList<string> events)
    {
        if (events.Count is 0 or > WebhookEvents.MaxEvents)
            throw Invalid($"events must name 1 to {WebhookEvents.MaxEvents} events");
        foreach (var e in events)
            if (!WebhookEvents.IsValidName(e))
                throw Invalid("an event name is letters, digits and ':_-', or '*'");
        var joined = string.Join(',', events.Distinct(StringComparer.Ordinal));
        // Note: 50 names of up to 64 characters can exceed the column (Webhook.Events, 2048): refused here with the
        // webhook's own code rather than the generic 2607.
        return joined.Length <= MaxEventsLength ? joined : throw Invalid($"the event names are at most {MaxEventsLength} characters in all");
    }

    /// <summary>The column of the comma-joined event names (Webhook.Events).</summary>
    public const int MaxEventsLength = 2048;

    private static string CheckContentType(string contentType) => contentType switch
    {
        JsonContentType or FormContentType => contentType,
        _ => throw Invalid($"contentType must be {JsonContentType} or {FormContentType}"),
    };

    private static string CheckSecret(string secret) =>
        secret.Length is >= MinSecretLength and <= MaxSecretLength
            ? secret
            : throw Invalid($"the secret must be {MinSecretLength} to {MaxSecretLength} characters");

    private static long ParseId(string value, string field) =>
        long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new GenAuthException(ErrorCodes.BadRequest, detail: $"'{field}' must be a delivery id");

    private static GenAuthException Invalid(string detail) => new(WebhookErrors.Invalid, detail: detail);
}
