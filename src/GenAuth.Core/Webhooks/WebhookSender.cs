using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using GenAuth.Core.Security;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Webhooks;

/// <summary>The result of one attempt: a response (any status) or an error before one.</summary>
public sealed record WebhookAttempt(int? Status, string? Body, string? Error)
{
    public bool Succeeded => Status is >= 200 and < 300;
}

/// <summary>
/// Sends one signed POST. Redirects are not followed (a 3xx is a failed attempt), no proxy is used, and every address a
/// connection opens to is checked first (<see cref="WebhookAddresses"/>), after DNS resolution.
/// </summary>
/// <remarks>
/// Headers: <c>X-GenAuth-Event</c>, <c>X-GenAuth-Delivery</c> (the delivery id: the same on every retry, for de-duplication),
/// <c>X-GenAuth-Timestamp</c> (Unix seconds of this attempt) and <c>X-GenAuth-Signature: v1=&lt;hex&gt;</c>, the
/// HMAC-SHA256 with the webhook's secret of <c>timestamp + "." + body</c> (see README, "Webhooks").
/// </remarks>
public sealed class WebhookSender : IDisposable
{
    public const string EventHeader = "X-GenAuth-Event";
    public const string DeliveryHeader = "X-GenAuth-Delivery";
    public const string TimestampHeader = "X-GenAuth-Timestamp";
    public const string SignatureHeader = "X-GenAuth-Signature";

    private readonly HttpClient _http;
    private readonly WebhookOptions _options;
    private readonly SecretSealer _sealer;
    private readonly TimeProvider _clock;

    public WebhookSender(IOptions<WebhookOptions> options, SecretSealer sealer, TimeProvider clock)
    {
        _options = options.Value;
        _sealer = sealer;
        _clock = clock;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(_options.TimeoutSeconds),
            // Note: pooled connections are re-opened (and their address re-checked) at least every minute.
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("GenAuth-Webhook/1.0");
    }

    /// <summary>The signature of a body: hex HMAC-SHA256 of "timestamp.body" with the secret.</summary>
    public static string Sign(byte[] secret, string timestamp, byte[] body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message, prefix.Length);
        return "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, message));
    }

    public byte[] SealSecret(string secret) => _sealer.Seal(Encoding.UTF8.GetBytes(secret));

    public async Task<WebhookAttempt> SendAsync(Webhook hook, long deliveryId, string eventName, string payload, CancellationToken ct)
    {
        if (WebhookAddresses.UrlRefusal(hook.Url, _options) is { } refusal)
            return new WebhookAttempt(null, null, "refused: " + refusal);
        var body = hook.ContentType == WebhookService.FormContentType
            ? Encoding.UTF8.GetBytes("eventName=" + Uri.EscapeDataString(eventName) + "&data=" + Uri.EscapeDataString(payload))
            : Encoding.UTF8.GetBytes(payload);
        var secret = _sealer.Unseal(hook.SealedSecret);
        var timestamp = _clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(hook.ContentType) { CharSet = "utf-8" };
        request.Headers.Add(EventHeader, eventName);
        request.Headers.Add(DeliveryHeader, deliveryId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, Sign(secret, timestamp, body));
        CryptographicOperations.ZeroMemory(secret);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var kept = await ReadPrefixAsync(response, _options.KeptResponseBytes, timeout.Token);
            return new WebhookAttempt((int)response.StatusCode, kept, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new WebhookAttempt(null, null, $"timed out after {_options.TimeoutSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return new WebhookAttempt(null, null, Describe(e));
        }
    }

    private static string Describe(HttpRequestException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            if (inner is WebhookAddressRefusedException refused)
                return "refused: " + refused.Message;
        var message = e.InnerException is SocketException s ? "connection failed: " + s.SocketErrorCode : "request failed: " + e.HttpRequestError;
        return message;
    }

    private static async Task<string?> ReadPrefixAsync(HttpResponseMessage response, int max, CancellationToken ct)
    {
        if (max <= 0)
            return null;
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[max];
        var read = 0;
        while (read < max)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read, max - read), ct);
            if (n == 0)
                break;
            read += n;
        }
        // Note: a cut may split a UTF-8 sequence; the decoder replaces it rather than failing. A NUL in a receiver's
        // answer is replaced too: PostgreSQL can't store one, and the outcome write of the whole round would fail.
        return Encoding.UTF8.GetString(buffer, 0, read).Replace('\0', '\uFFFD');
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        if (addresses.Length == 0)
            throw new WebhookAddressRefusedException("the host has no address");
        // Every answer must be allowed: a name that mixes outside and inside addresses is refused as a whole.
        foreach (var address in addresses)
            if (WebhookAddresses.Refusal(address, _options) is { } refusal)
                throw new WebhookAddressRefusedException(refusal);
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }

    public void Dispose() => _http.Dispose();
}
