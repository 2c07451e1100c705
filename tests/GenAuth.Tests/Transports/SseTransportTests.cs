using System.Net.Http.Json;
using System.Text.Json;

namespace GenAuth.Tests.Transports;

public sealed class SseTransportTests : IAsyncLifetime
{
    private readonly TransportTestServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SubscriptionOverEventStreamSendsThreeNextEventsThenComplete()
    {
        using var http = _server.CreateClient();
        http.Timeout = TransportTestServer.Guard;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql/v2")
        {
            Content = JsonContent.Create(new { query = "subscription { serverTime(intervalMs: 100, count: 3) }" }),
        };
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = ParseEvents(await response.Content.ReadAsStringAsync());
        Assert.Equal(["next", "next", "next", "complete"], events.Select(e => e.Event));
        foreach (var (_, data) in events.Take(3))
        {
            using var doc = JsonDocument.Parse(data);
            Assert.Equal(JsonValueKind.String, doc.RootElement.GetProperty("data").GetProperty("serverTime").ValueKind);
        }
    }

    private static List<(string Event, string Data)> ParseEvents(string body) =>
        body.Replace("\r\n", "\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => block.Split('\n'))
            .Select(lines => (
                Event: lines.FirstOrDefault(l => l.StartsWith("event:"))?[6..].Trim() ?? "message",
                Data: string.Join("\n", lines.Where(l => l.StartsWith("data:")).Select(l => l[5..].TrimStart()))))
            .ToList();
}
