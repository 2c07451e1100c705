using GenAuth.Core.Data;

namespace GenAuth.Core.QrLogin;

/// <summary>GenAuth's QR code statuses, numbered as its SDK reads them.</summary>
public enum QrCodeStatus
{
    Expired = -1,
    NotScanned = 0,
    Scanned = 1,
    Confirmed = 2,
    Cancelled = 3,
}

/// <summary>One QR code of a scan login: a small state machine row, moved only by conditional updates.</summary>
public sealed class QrCode : IPoolOwned
{
    /// <summary>The code's "random": 128 random bits, hex; knowing it is what lets a browser follow the code.</summary>
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public string? AppId { get; set; }
    public string Scene { get; set; } = "APP_AUTH";
    public QrCodeStatus Status { get; set; }
    public string? ScannedUserId { get; set; }

    /// <summary>SHA-256 of the ticket, for the exchange lookup.</summary>
    public byte[]? TicketHash { get; set; }

    /// <summary>The ticket sealed with the master key, so check and the subscription can show it until it expires.</summary>
    public byte[]? TicketSealed { get; set; }
    public DateTime? TicketExpiresAt { get; set; }
    public DateTime? TicketUsedAt { get; set; }

    /// <summary>
    /// The confirming app's session had passed a second factor: the browser's sign-in counts as multi-factor. When false
    /// and the scanner needs one, the exchange answers the second-factor step and the ticket stays unspent until it is done.
    /// </summary>
    public bool ConfirmedWithSecondFactor { get; set; }

    /// <summary>The caller's customData, as JSON (an object), written into the QR payload.</summary>
    public string? CustomData { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public static bool IsTerminal(QrCodeStatus s) => s is QrCodeStatus.Confirmed or QrCodeStatus.Cancelled or QrCodeStatus.Expired;

    /// <summary>Statuses only move forward in this order; events carrying a rank not above the last one are stale.</summary>
    public static int Rank(QrCodeStatus s) => s switch
    {
        QrCodeStatus.NotScanned => 0,
        QrCodeStatus.Scanned => 1,
        _ => 2,
    };
}
