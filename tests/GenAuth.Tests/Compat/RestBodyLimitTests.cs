using System.Text;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Compat;

/// <summary>REST bodies share GraphQL's body limit (GenAuth:Http:MaxBodyBytes): larger ones are refused in the envelope (code 4130, HTTP 413) before parsing.</summary>
public sealed class RestBodyLimitTests : IDisposable
{
    private readonly GenAuthApp _app = new(settings: new Dictionary<string, string?> { ["GenAuth:Http:MaxBodyBytes"] = "4096" });

    public void Dispose() => _app.Dispose();

    private static string Body(int padding) =>
        $$"""{"phone":"13812345678","pad":"{{new string('x', padding)}}"}""";

    private async Task<(int Code, string Message)> SendAsync(HttpContent content, bool chunked = false)
    {
        var client = _app.CreateGraphQLClient();
        var request = client.NewRequest(HttpMethod.Post, "/api/v2/sms/send");
        request.Content = content;
        // Note: no Content-Length, so only the limit on what is read can stop it.
        request.Headers.TransferEncodingChunked = chunked;
        using var response = await client.Http.SendAsync(request);
        var envelope = await GraphQLClient.ReadJsonAsync(response);
        return (envelope["code"]!.GetValue<int>(), envelope["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task ABodyWithinTheLimitIsRead()
    {
        var (code, _) = await SendAsync(new StringContent(Body(100), Encoding.UTF8, "application/json"));

        Assert.Equal(200, code);
    }

    [Fact]
    public async Task ADeclaredLengthOverTheLimitIsRefusedWith4130()
    {
        var (code, message) = await SendAsync(new StringContent(Body(8192), Encoding.UTF8, "application/json"));

        Assert.Equal(4130, code);
        Assert.Contains("4096", message);
    }

    [Fact]
    public async Task AChunkedBodyOverTheLimitIsRefusedWith4130()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(Body(8192))));
        content.Headers.ContentType = new("application/json");

        var (code, message) = await SendAsync(content, chunked: true);

        Assert.Equal(4130, code);
        Assert.Contains("4096", message);
    }
}
