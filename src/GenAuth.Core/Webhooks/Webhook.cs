using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GenAuth.Core.Webhooks;

/// <summary>One endpoint of a pool that receives the pool's events (those named in <see cref="Events"/>) as signed POSTs.</summary>
public sealed class Webhook : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string Url { get; set; }

    /// <summary>Event names separated by commas (GenAuth's webhook names, our audit types, or <c>*</c>).</summary>
    public required string Events { get; set; }

    /// <summary>application/json or application/x-www-form-urlencoded.</summary>
    public required string ContentType { get; set; }

    /// <summary>The HMAC key, sealed with the master key; never read back through the API.</summary>
    public required byte[] SealedSecret { get; set; }

    public bool Enabled { get; set; }

    /// <summary>Events up to this id happened before the webhook existed: it gets only later ones.</summary>
    public long StartAfterEventId { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// One event to deliver to one webhook: created by the worker's fan-out from the event log (at most one per webhook and
/// event, a unique index), then claimed with a lease by one instance at a time until it succeeds or its retry window ends.
/// </summary>
public sealed class WebhookDelivery : IPoolOwned
{
    public long Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string WebhookId { get; set; }

    /// <summary>The audit event delivered; null for testWebhook's test event.</summary>
    public long? EventId { get; set; }

    /// <summary>The webhook event name sent (login, register, user:updated, …, or test).</summary>
    public required string EventName { get; set; }

    /// <summary>The JSON payload, built once at fan-out, so every attempt sends the same body.</summary>
    public required string Payload { get; set; }

    /// <summary>pending, succeeded or failed.</summary>
    public required string Status { get; set; }

    public int Attempts { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>When the retry window (24 h by default) started: creation, or the last resend.</summary>
    public DateTime WindowStartedAt { get; set; }

    public DateTime NextAttemptAt { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    public DateTime? CompletedAt { get; set; }

    /// <summary>The instance holding the delivery until <see cref="LeaseUntil"/>.</summary>
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }

    public int? ResponseStatus { get; set; }

    /// <summary>The first bytes of the last response body (GenAuth:Webhooks:KeptResponseBytes).</summary>
    public string? ResponseBody { get; set; }

    /// <summary>Why the last attempt failed without a response (timeout, refused address, connection error).</summary>
    public string? Error { get; set; }
}

public static class WebhookDeliveryStatus
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <summary>Where the fan-out stopped reading the event log: one row, shared by every instance.</summary>
public sealed class WebhookCursor
{
    public required string Name { get; set; }
    public long LastEventId { get; set; }
}

internal sealed class WebhookConfiguration : IEntityTypeConfiguration<Webhook>
{
    public void Configure(EntityTypeBuilder<Webhook> b)
    {
        b.ToTable("webhooks");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(24);
        b.Property(e => e.Url).HasMaxLength(WebhookService.MaxUrlLength);
        b.Property(e => e.Events).HasMaxLength(WebhookService.MaxEventsLength);
        b.Property(e => e.ContentType).HasMaxLength(64);
        b.HasIndex(e => new { e.UserPoolId, e.CreatedAt });
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.ToTable("webhook_deliveries");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedOnAdd();
        b.Property(e => e.EventName).HasMaxLength(64);
        b.Property(e => e.Status).HasMaxLength(16);
        b.Property(e => e.LeaseOwner).HasMaxLength(64);
        b.Property(e => e.Error).HasMaxLength(512);
        // One delivery per webhook and event, whichever instance fans out (test deliveries have no event).
        b.HasIndex(e => new { e.WebhookId, e.EventId }).IsUnique();
        b.HasIndex(e => new { e.Status, e.NextAttemptAt });
        b.HasIndex(e => new { e.UserPoolId, e.WebhookId, e.Id });
        b.HasOne<Webhook>().WithMany().HasForeignKey(e => e.WebhookId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WebhookCursorConfiguration : IEntityTypeConfiguration<WebhookCursor>
{
    public void Configure(EntityTypeBuilder<WebhookCursor> b)
    {
        b.ToTable("webhook_cursor");
        b.HasKey(e => e.Name);
        b.Property(e => e.Name).HasMaxLength(32);
    }
}
