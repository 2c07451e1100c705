using System.Text.Json;
using System.Text.Json.Serialization;
using GenAuth.Core.Users;

namespace GenAuth.Core.QrLogin;

/// <summary>What the scanner's app shows the browser before the login is confirmed: nickname and photo only.</summary>
public sealed record QrScannedUser(string? Nickname, string? Photo);

/// <summary>
/// A QR code as check, the GraphQL query and the subscription show it; fully built by the state machine so event
/// resolvers (on other threads, without a request scope) only read it.
/// </summary>
public sealed record QrCodeState(
    string Random,
    QrCodeStatus Status,
    QrScannedUser? UserInfo,
    string? ScannedUserId,
    string? Ticket,
    DateTime ExpiresAt);

/// <summary>A transition as it crosses the bus: the state without its ticket, and the ticket sealed (confirmed codes only).</summary>
internal sealed record QrCodeEvent(
    string Random,
    QrCodeStatus Status,
    QrScannedUser? UserInfo,
    string? ScannedUserId,
    DateTime ExpiresAt,
    byte[]? TicketSealed)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static QrCodeEvent Of(QrCodeState state, byte[]? ticketSealed) =>
        new(state.Random, state.Status, state.UserInfo, state.ScannedUserId, state.ExpiresAt, ticketSealed);

    public QrCodeState ToState(string? ticket) => new(Random, Status, UserInfo, ScannedUserId, ticket, ExpiresAt);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static QrCodeEvent? FromJson(string payload)
    {
        try
        {
            return JsonSerializer.Deserialize<QrCodeEvent>(payload, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>check's answer: the code's state, and the scanner's new session when the pool returns full user info on confirm.</summary>
public sealed record QrCheckResult(QrCodeState State, UserView? User);

/// <summary>A freshly generated code: what gene answers, and what the QR image encodes.</summary>
public sealed record QrCodeCreated(string Random, string UserPoolId, string Scene, DateTime CreatedAt, DateTime ExpiresAt,
    int ExpiresIn, string? CustomData);
