using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Messaging;

/// <summary>Sends an SMS text to a phone number (E.164).</summary>
public interface ISmsProvider
{
    bool IsConfigured { get; }
    Task SendAsync(SmsRequest request, CancellationToken ct);
}

public sealed record SmsRequest(string Phone, string CountryCode, string NationalNumber, string Text, string Scene, string? Code);

/// <summary>A configurable HTTP gateway: URL, method, headers and a JSON body template (fits most SMS APIs).</summary>
public sealed class HttpSmsProvider(IHttpClientFactory http, IOptions<HttpSmsOptions> options) : ISmsProvider
{
    public const string ClientName = "genauth-sms";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.Url);

    public async Task SendAsync(SmsRequest request, CancellationToken ct)
    {
        var o = options.Value;
        var body = Render(o.BodyTemplate, request);
        using var message = new HttpRequestMessage(new HttpMethod(o.Method), o.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in o.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
                message.Content.Headers.TryAddWithoutValidation(name, value);
        }
        var client = http.CreateClient(ClientName);
        client.Timeout = TimeSpan.FromSeconds(o.TimeoutSeconds);
        using var response = await client.SendAsync(message, ct);
        response.EnsureSuccessStatusCode();
    }

    public static string Render(string template, SmsRequest r) => template
        .Replace("{{phone}}", Escape(r.Phone))
        .Replace("{{countryCode}}", Escape(r.CountryCode))
        .Replace("{{nationalNumber}}", Escape(r.NationalNumber))
        .Replace("{{code}}", Escape(r.Code ?? ""))
        .Replace("{{text}}", Escape(r.Text))
        .Replace("{{scene}}", Escape(r.Scene));

    // Note: escapes what JSON requires (quotes, backslashes, controls) but keeps "+" and non-ASCII text readable for gateways.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>JSON string content without the quotes, so values can't break out of the template.</summary>
    private static string Escape(string value)
    {
        var json = JsonSerializer.Serialize(value, Relaxed);
        return json[1..^1];
    }
}
