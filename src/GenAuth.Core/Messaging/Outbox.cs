using System.Text.Json;
using GenAuth.Core.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Messaging;

/// <summary>
/// The dev default when no mail server or SMS gateway is configured: messages are appended to
/// {DataDirectory}/outbox.jsonl, one JSON object a line: {time, channel, to, scene, subject, text}.
/// </summary>
public sealed partial class Outbox(IOptions<GenAuthOptions> options, TimeProvider clock, ILogger<Outbox> logger)
{
    private static readonly JsonSerializerOptions Readable =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly SemaphoreSlim _gate = new(1, 1);

    public string FilePath => Path.Combine(options.Value.DataDirectory, "outbox.jsonl");

    public async Task AppendAsync(OutgoingMessage message, CancellationToken ct)
    {
        var line = JsonSerializer.Serialize(new
        {
            time = IsoTime.Format(clock.GetUtcNow()),
            channel = message.Channel,
            to = message.To,
            scene = message.Scene,
            subject = message.Subject,
            text = message.Text,
        }, Readable);
        await _gate.WaitAsync(ct);
        try
        {
            // Note: the file holds live codes: owner-only (0600) in an owner-only directory.
            PrivateFiles.CreateDirectory(options.Value.DataDirectory);
            await PrivateFiles.AppendAllTextAsync(FilePath, line + "\n", ct);
        }
        finally
        {
            _gate.Release();
        }
        // Note: neither the recipient nor the code is logged; the file is the place to read them.
        Queued(logger, message.Channel, message.Scene, FilePath);
    }

    /// <summary>Waits for the append in progress, if any (appends are written through, so nothing else is pending).</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        _gate.Release();
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "No {Channel} provider configured: a {Scene} message was queued to {Path}")]
    private static partial void Queued(ILogger logger, string channel, string scene, string path);
}
