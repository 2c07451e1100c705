using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GenAuth.Tests.Webhooks;

/// <summary>One request the receiver got.</summary>
public sealed record ReceivedWebhook(string Path, string Body, string? ContentType, string? Event, string? Delivery, string? Timestamp,
    string? Signature, int AnsweredStatus);

/// <summary>A real HTTP receiver on a loopback port (Kestrel), recording every request and answering what the test says.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _requests = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>Chooses the answer (status, body) for a request: 200 "ok" unless set.</summary>
    public Func<ReceivedWebhook, (int Status, string Body)> Respond { get; set; } = _ => (200, "ok");

    /// <summary>Runs before answering (e.g. to hold requests open).</summary>
    public Func<Task>? Before { get; set; }

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<ReceivedWebhook> Requests => [.. _requests];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Map("/{**path}", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            var h = http.Request.Headers;
            var seen = new ReceivedWebhook(http.Request.Path, body, http.Request.ContentType, h["X-GenAuth-Event"].FirstOrDefault(),
                h["X-GenAuth-Delivery"].FirstOrDefault(), h["X-GenAuth-Timestamp"].FirstOrDefault(), h["X-GenAuth-Signature"].FirstOrDefault(), 0);
            if (receiver.Before is { } before)
                await before();
            var (status, answer) = receiver.Respond(seen);
            receiver._requests.Enqueue(seen with { AnsweredStatus = status });
            http.Response.StatusCode = status;
            if (status is >= 300 and < 400)
                http.Response.Headers.Location = receiver.BaseUrl + "/redirected";
            await http.Response.WriteAsync(answer);
        });
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return receiver;
    }

    /// <summary>Waits until the condition holds (polling); fails after a minute with the message.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 90)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
                throw new Xunit.Sdk.XunitException("Timed out waiting until " + what);
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
