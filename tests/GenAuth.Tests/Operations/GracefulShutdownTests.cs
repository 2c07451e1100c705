using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using GenAuth.Core.Messaging;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GenAuth.Tests.Operations;

/// <summary>
/// Host stop (what SIGTERM does): open graphql-transport-ws sockets are closed with 1001 at once, a request in flight
/// still gets its whole answer, and readiness reports the stop.
/// </summary>
public sealed class GracefulShutdownTests
{
    /// <summary>An SMS gateway that holds every send until the test lets it go.</summary>
    private sealed class HeldSms : ISmsProvider
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool IsConfigured => true;

        public async Task SendAsync(SmsRequest request, CancellationToken ct)
        {
            Entered.TrySetResult();
            await Release.Task.WaitAsync(ct);
        }
    }

    [Fact]
    public async Task StopClosesWebSocketsWith1001AndLetsTheRequestInFlightFinish()
    {
        var sms = new HeldSms();
        await using var app = new GenAuthApp(services: s => s.AddSingleton<ISmsProvider>(sms));
        var http = app.CreateClient();
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("graphql-transport-ws");
        using (var connect = new CancellationTokenSource(TransportTestServer.Guard))
            await socket.ConnectAsync(new UriBuilder(http.BaseAddress!) { Scheme = "ws", Path = GenAuthApp.GraphQLPath }.Uri, connect.Token);
        using var ws = new WsTestClient(socket);
        await ws.InitAsync(new Dictionary<string, string> { ["x-authing-userpool-id"] = app.UserPoolId });
        await ws.SendAsync(new { id = "1", type = "subscribe", payload = new { query = "subscription { serverTime(intervalMs: 100) }" } });
        Assert.Equal("next", (await ws.ReceiveAsync()).GetProperty("type").GetString());

        // An SSE subscription, streaming.
        var sseHttp = app.CreateClient();
        sseHttp.Timeout = TransportTestServer.Guard;
        using var sseRequest = new HttpRequestMessage(HttpMethod.Post, GenAuthApp.GraphQLPath)
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { query = "subscription { serverTime(intervalMs: 100) }" }),
        };
        sseRequest.Headers.Accept.ParseAdd("text/event-stream");
        sseRequest.Headers.Add("x-authing-userpool-id", app.UserPoolId);
        using var sse = await sseHttp.SendAsync(sseRequest, HttpCompletionOption.ResponseHeadersRead);
        var sseBody = await sse.Content.ReadAsStreamAsync();
        var firstChunk = new byte[256];
        Assert.True(await sseBody.ReadAsync(firstChunk) > 0);

        // A request in flight: its SMS send is held.
        var client = app.CreateGraphQLClient();
        var inFlight = client.PostAsync("mutation { sendSmsCode(phone: \"13800138099\") { code message } }");
        await sms.Entered.Task.WaitAsync(TransportTestServer.Guard);

        var host = app.Services.GetRequiredService<IHost>();
        var stopping = host.StopAsync();

        // The socket is closed with 1001 (Going Away) while the request is still held.
        int? close = null;
        while (close is null)
        {
            var (message, code) = await ws.ReceiveAnyAsync();
            if (code is not null)
                close = code;
            else
                Assert.Equal("next", message!.Value.GetProperty("type").GetString());
        }
        Assert.Equal((int)WebSocketCloseStatus.EndpointUnavailable, close);
        // The event stream ends with "complete" instead of holding the drain.
        var rest = await new StreamReader(sseBody).ReadToEndAsync().WaitAsync(TransportTestServer.Guard);
        Assert.EndsWith("event: complete\ndata: \n\n", rest.Replace("\r\n", "\n"));
        Assert.False(inFlight.IsCompleted);

        sms.Release.SetResult();
        var answer = await inFlight.WaitAsync(TransportTestServer.Guard);
        Assert.Equal(200, GraphQLClient.Success(answer, "sendSmsCode")["code"]!.GetValue<int>());
        await stopping.WaitAsync(TransportTestServer.Guard);
    }

    [Fact]
    public async Task ReadinessFailsOnceTheHostIsStopping()
    {
        await using var app = new GenAuthApp();
        var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
        var check = new GenAuth.Server.Operations.StoppingCheck(app.Services.GetRequiredService<IHostApplicationLifetime>());
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy,
            (await check.CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext())).Status);
        app.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy,
            (await check.CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext())).Status);
    }

    [Fact]
    public void TheDrainTimeoutIsASetting()
    {
        using var app = new GenAuthApp(settings: new Dictionary<string, string?> { ["GenAuth:Shutdown:TimeoutSeconds"] = "7" });
        _ = app.CreateClient();
        Assert.Equal(TimeSpan.FromSeconds(7),
            app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HostOptions>>().Value.ShutdownTimeout);
    }
}
