using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace GenAuth.Tests.Codes;

/// <summary>How an <see cref="SmtpSink"/> speaks TLS: not at all, STARTTLS on request, or TLS from the first byte.</summary>
public enum SmtpSinkSecurity
{
    None,
    StartTls,
    SslOnConnect,
}

/// <summary>
/// A real SMTP server on loopback, in the test process (NuGet SmtpServer), that keeps what it receives. With TLS it
/// presents a self-signed certificate made here (<see cref="CertificateSha256"/> pins it); with a login it offers AUTH
/// and refuses mail from a client that didn't authenticate.
/// </summary>
public sealed partial class SmtpSink : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private readonly ConcurrentQueue<ReceivedMail> _received = new();

    /// <summary>One accepted message with what the session knew: who logged in and whether it was under TLS.</summary>
    public sealed record ReceivedMail(MimeMessage Message, string? User, bool Secure);

    public int Port { get; } = FreePort();
    public X509Certificate2? Certificate { get; }
    public string? CertificateSha256 => Certificate is null ? null : Convert.ToHexString(Certificate.GetCertHash(HashAlgorithmName.SHA256));
    public int FailedLogins => _authenticator.Failed;

    private readonly Authenticator _authenticator;

    public SmtpSink(SmtpSinkSecurity security = SmtpSinkSecurity.None, string? user = null, string? password = null)
    {
        if (security != SmtpSinkSecurity.None)
            Certificate = SelfSigned();
        _authenticator = new Authenticator(user, password);
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(e =>
            {
                e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port));
                if (Certificate is not null)
                    e.Certificate(Certificate).IsSecure(security == SmtpSinkSecurity.SslOnConnect);
                if (user is not null)
                    e.AuthenticationRequired().AllowUnsecureAuthentication(security == SmtpSinkSecurity.None);
            })
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(_received));
        services.Add(_authenticator);
        var server = new SmtpServer.SmtpServer(options, services);
        _running = server.StartAsync(_stop.Token);
        WaitUntilListening();
    }

    // Note: StartAsync runs until stopped and binds in the background; a bind failure ends it early and must surface
    // here, not later as "no mail received".
    private void WaitUntilListening()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (_running.IsCompleted)
                throw new InvalidOperationException("The in-process SMTP server stopped at start on port " + Port, _running.Exception);
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
        }
    }

    public IReadOnlyList<ReceivedMail> Received => _received.ToList();

    /// <summary>Messages received for the address, oldest first.</summary>
    public List<MimeMessage> MessagesTo(string address) =>
        _received.Select(r => r.Message)
            .Where(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase)))
            .ToList();

    /// <summary>The code of the newest message to the address.</summary>
    public string LastCode(string address)
    {
        var message = MessagesTo(address).LastOrDefault() ?? throw new InvalidOperationException("no mail received");
        return CodePattern().Match(message.TextBody ?? "").Value;
    }

    [GeneratedRegex(@"\b\d{4,8}\b")]
    public static partial Regex CodePattern();

    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _stop.Cancel();
        try
        {
            _running.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // stopping ends StartAsync with a cancellation
        }
        _stop.Dispose();
        Certificate?.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A self-signed server certificate for localhost/127.0.0.1, trusted by nobody unless pinned.</summary>
    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Note: SslStream wants a key it can use as a server; a PKCS#12 round trip gives it a persisted one.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }

    private sealed class Store(ConcurrentQueue<ReceivedMail> received) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            received.Enqueue(new ReceivedMail(message, context.Authentication.IsAuthenticated ? context.Authentication.User : null,
                context.Pipe.IsSecure));
            return SmtpResponse.Ok;
        }
    }

    private sealed class Authenticator(string? user, string? password) : UserAuthenticator
    {
        private int _failed;
        public int Failed => _failed;

        public override Task<bool> AuthenticateAsync(ISessionContext context, string login, string secret, CancellationToken cancellationToken)
        {
            var ok = user is not null && login == user && secret == password;
            if (!ok)
                Interlocked.Increment(ref _failed);
            return Task.FromResult(ok);
        }
    }
}

/// <summary>A local HTTP listener standing in for an SMS gateway: records every request body and header.</summary>
public sealed class SmsGateway : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<SmsRequestSeen> _received = [];
    public string Url { get; }
    public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

    public SmsGateway()
    {
        var port = SmtpSink.FreePort();
        Url = $"http://127.0.0.1:{port}/sms/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    /// <summary>One request the gateway got.</summary>
    public sealed record SmsRequestSeen(string Body, string? Auth, string Method, string? ApiKey);

    public IReadOnlyList<SmsRequestSeen> Received
    {
        get
        {
            lock (_received)
                return _received.ToList();
        }
    }

    public string LastCodeFor(string e164)
    {
        var body = Received.Last(r => r.Body.Contains(e164)).Body;
        using var json = System.Text.Json.JsonDocument.Parse(body);
        return json.RootElement.GetProperty("code").GetString()!;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            lock (_received)
                _received.Add(new SmsRequestSeen(body, context.Request.Headers["Authorization"], context.Request.HttpMethod, context.Request.Headers["X-Api-Key"]));
            context.Response.StatusCode = (int)Status;
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        if (_listener.IsListening)
            _listener.Close();
    }
}
