namespace GenAuth.Core.Messaging;

/// <summary>GenAuth:Smtp: the default mail server; pools may override it. No host configured means the outbox.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;

    /// <summary>Auto (STARTTLS when offered), None, StartTls or SslOnConnect.</summary>
    public string Security { get; set; } = "Auto";
    public string? Username { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "GenAuth <no-reply@localhost>";

    /// <summary>
    /// The SHA-256 of this server's certificate (hex, colons allowed), accepted even when it doesn't chain to a trusted
    /// root (a self-signed relay). Any other untrusted certificate is still refused; a pool's own server never uses it.
    /// </summary>
    public string? TrustedCertificateSha256 { get; set; }
    public int TimeoutSeconds { get; set; } = 30;
}

/// <summary>
/// GenAuth:Sms:Http: a generic HTTP gateway. The body template is JSON with placeholders {{phone}} (E.164),
/// {{countryCode}}, {{nationalNumber}}, {{code}}, {{text}}, {{scene}}, each JSON-escaped when substituted.
/// No URL configured means the outbox.
/// </summary>
public sealed class HttpSmsOptions
{
    public string? Url { get; set; }
    public string Method { get; set; } = "POST";
    public Dictionary<string, string> Headers { get; set; } = [];
    public string BodyTemplate { get; set; } = """{"phone":"{{phone}}","text":"{{text}}","code":"{{code}}","scene":"{{scene}}"}""";
    public int TimeoutSeconds { get; set; } = 15;
}

/// <summary>One message to deliver; Code is set for SMS so gateways with code-only templates can use it.</summary>
public sealed record OutgoingMessage(string Channel, string To, string Scene, string Subject, string Text, string? Html = null,
    string? Code = null)
{
    public const string Email = "email";
    public const string Sms = "sms";
}
