using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace GenAuth.Tests.Codes;

/// <summary>A real SMTP server on loopback (python3-aiosmtpd, installed by .ci/run) that keeps what it receives.</summary>
public sealed partial class SmtpSink : IDisposable
{
    private readonly Process _process;
    public int Port { get; } = FreePort();
    public string Folder { get; } = Directory.CreateTempSubdirectory("genauth-smtp-").FullName;

    public SmtpSink()
    {
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var script = Path.Combine(AppContext.BaseDirectory, "Codes", "smtp_sink.py");
        _process = Process.Start(new ProcessStartInfo(python, [script, Port.ToString(), Folder])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        }) ?? throw new InvalidOperationException("python3 did not start");
        var ready = _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        if (ready != "ready")
            throw new InvalidOperationException("The SMTP sink did not start (is python3-aiosmtpd installed? .ci/run installs it): "
                                                + _process.StandardError.ReadToEnd());
    }

    /// <summary>Messages received for the address, oldest first.</summary>
    public List<MimeMessage> MessagesTo(string address) =>
        Directory.GetFiles(Folder, "*.eml").Order()
            .Select(f => MimeMessage.Load(f))
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
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000))
                _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
