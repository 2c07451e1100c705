namespace GenAuth.Core.Webhooks;

/// <summary>GenAuth:Webhooks settings (server-wide).</summary>
public sealed class WebhookOptions
{
    public const string Section = "GenAuth:Webhooks";

    /// <summary>Deliver to loopback addresses (127.0.0.0/8, ::1). Off: tests turn it on for their receiver.</summary>
    public bool AllowLoopback { get; set; }

    /// <summary>Deliver to private, link-local, shared and unique-local networks (10/8, 172.16/12, 192.168/16, 169.254/16, fc00::/7, …).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Whether this instance runs the delivery worker.</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>Seconds one attempt may take (connect, send, read the kept bytes).</summary>
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>The first retry's delay; each next one doubles (with jitter: a random 50–100 % of it).</summary>
    public double RetryBaseSeconds { get; set; } = 30;

    /// <summary>The longest delay between two attempts.</summary>
    public double RetryMaxDelaySeconds { get; set; } = 3600;

    /// <summary>How long a delivery is retried before it is marked failed.</summary>
    public double RetryWindowHours { get; set; } = 24;

    /// <summary>Attempts in flight to one webhook at once, per instance.</summary>
    public int PerEndpointConcurrency { get; set; } = 4;

    /// <summary>Attempts in flight at once, per instance.</summary>
    public int MaxConcurrency { get; set; } = 32;

    /// <summary>How often the worker reads the event log and the due deliveries when idle.</summary>
    public double PollSeconds { get; set; } = 1;

    /// <summary>How long a claimed delivery belongs to its instance; an instance that dies frees it after this.</summary>
    public double LeaseSeconds { get; set; } = 60;

    /// <summary>Events fanned out and deliveries claimed per round.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// Seconds the fan-out waits at a missing event id before passing it: an event whose transaction commits after a
    /// later one (concurrent writers on PostgreSQL) is delivered if it commits within this time of the later event.
    /// </summary>
    public double GapWaitSeconds { get; set; } = 30;

    /// <summary>Bytes of the response body kept with the delivery.</summary>
    public int KeptResponseBytes { get; set; } = 1024;

    /// <summary>Webhooks per pool.</summary>
    public int MaxPerPool { get; set; } = 20;

    /// <summary>Days succeeded and failed deliveries are kept.</summary>
    public int DeliveryRetentionDays { get; set; } = 30;

    internal bool IsValid() =>
        TimeoutSeconds > 0 && RetryBaseSeconds > 0 && RetryMaxDelaySeconds >= RetryBaseSeconds && RetryWindowHours > 0
        && PerEndpointConcurrency > 0 && MaxConcurrency > 0 && PollSeconds > 0 && LeaseSeconds > TimeoutSeconds && BatchSize > 0 && GapWaitSeconds >= 0
        && KeptResponseBytes is >= 0 and <= 65536 && MaxPerPool > 0 && DeliveryRetentionDays > 0;
}
