using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GenAuth.Tests.Hosting;

/// <summary>
/// Issue 10, hole 10: `dotnet run` ran in Development, and a 50 MB upload answered with a stack trace echoing the
/// Authorization header. Now Production is the default, every unhandled error is one coded JSON answer (413 with 4130
/// over the body limit) and the log names the exception's type and trace id, never the request's secrets.
/// </summary>
public sealed class ProductionDefaultsTests
{
    private const string Secret = "Bearer sekret-token-that-must-not-leak-0123456789";

    [Fact]
    public void TheLaunchProfileDoesNotSelectDevelopmentAndKeepsTheDocumentedUrl()
    {
        var path = Path.Combine(RepoRoot(), "src", "GenAuth.Server", "Properties", "launchSettings.json");
        var profiles = JsonNode.Parse(File.ReadAllText(path))!["profiles"]!.AsObject();

        Assert.NotEmpty(profiles);
        foreach (var (name, profile) in profiles)
        {
            var env = profile!["environmentVariables"]?.AsObject();
            foreach (var key in new[] { "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT" })
                Assert.True(env?[key] is null || env[key]!.GetValue<string>() == "Production",
                    $"profile {name} sets {key}={env?[key]}");
        }
        Assert.Equal("http://localhost:5000", profiles["http"]!["applicationUrl"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task AnUnhandledErrorIsACodedEnvelopeWithoutTheRequestOrTheStack(string environment)
    {
        var logs = new CapturedLogs();
        using var app = CrashingApp(environment, logs);
        using var http = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/test-crash") { Content = new StringContent("{\"password\":\"hunter2-body\"}", Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Authorization", Secret);

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonNode.Parse(text)!;

        Assert.Equal(environment, app.Services.GetRequiredService<IHostEnvironment>().EnvironmentName);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(5000, body["code"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(body["data"]!["traceId"]!.GetValue<string>()));
        Assert.DoesNotContain("sekret", text);
        Assert.DoesNotContain("hunter2", text);
        Assert.DoesNotContain(nameof(InvalidOperationException), text);
        Assert.DoesNotContain("CrashFilter", text);
        var logged = logs.Text;
        Assert.Contains(nameof(InvalidOperationException), logged);
        Assert.Contains(body["data"]!["traceId"]!.GetValue<string>(), logged);
        Assert.DoesNotContain("sekret", logged);
        Assert.DoesNotContain("hunter2", logged);
    }

    [Fact]
    public async Task AnUnhandledErrorOnTheGraphQLPathIsAGraphQLError()
    {
        using var app = CrashingApp("Production", new CapturedLogs());
        using var http = app.CreateClient();

        using var response = await http.PostAsync("/graphql/v2/test-crash", new StringContent("{}", Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(5000, body["errors"]![0]!["extensions"]!["code"]!.GetValue<int>());
        Assert.Equal("服务器内部错误", body["errors"]![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A50MegabyteUploadIs413WithItsOwnCodeNotAStackTrace()
    {
        var logs = new CapturedLogs();
        using var app = new GenAuthApp(settings: new Dictionary<string, string?> { ["environment"] = "Development" },
            services: s => s.AddSingleton<ILoggerProvider>(logs));
        var client = app.CreateGraphQLClient();
        GraphQLClient.Success(await client.PostAsync("{ __typename }"), "__typename");
        // Note: the client waits for the server's answer to Expect: 100-continue (as curl does for large uploads);
        // the server refuses from the declared length, so the 50 MB never travel.
        using var http = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(1) })
            { BaseAddress = client.Http.BaseAddress };
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(new byte[50 * 1024 * 1024]);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", "huge.png");
        using var request = client.NewRequest(HttpMethod.Post, "/api/v2/upload?folder=avatar");
        request.Content = form;
        request.Headers.TryAddWithoutValidation("Authorization", Secret);
        request.Headers.TryAddWithoutValidation("x-authing-lang", "en-US");
        request.Headers.ExpectContinue = true;

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonNode.Parse(text)!;

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(4130, body["code"]!.GetValue<int>());
        Assert.StartsWith("The request body is too large", body["message"]!.GetValue<string>());
        Assert.DoesNotContain("sekret", text);
        Assert.DoesNotContain("sekret", logs.Text);
    }

    [Fact]
    public async Task AChunkedUploadOverTheAvatarLimitIs413Too()
    {
        using var app = new GenAuthApp();
        var client = app.CreateGraphQLClient();
        using var form = new MultipartFormDataContent();
        var file = new StreamContent(new MemoryStream(new byte[3 * 1024 * 1024]));
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", "big.png");
        using var request = client.NewRequest(HttpMethod.Post, "/api/v2/upload?folder=avatar");
        request.Content = form;
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.Http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(4130, body["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task AGraphQLBodyOverTheLimitCarriesCode4130()
    {
        using var app = new GenAuthApp(settings: new Dictionary<string, string?> { ["GenAuth:Http:MaxBodyBytes"] = "1024" });
        var client = app.CreateGraphQLClient();

        using var response = await client.SendAsync("{ __typename }", new { pad = new string('x', 4096) });
        var body = await GraphQLClient.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(4130, GraphQLClient.ErrorCode(body));
    }

    [Fact]
    public async Task TooManyAnonymousUploadsAreRefusedWithTheUploadCodeNotTheLoginCode2058()
    {
        using var app = new GenAuthApp();
        var client = app.CreateGraphQLClient();
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
        var codes = new List<int>();
        for (var i = 0; i <= GenAuth.Core.Profile.AvatarService.AnonymousUploadsPerHour; i++)
        {
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(png);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(file, "file", "a.png");
            using var request = client.NewRequest(HttpMethod.Post, "/api/v2/upload?folder=avatar");
            request.Content = form;
            using var response = await client.Http.SendAsync(request);
            codes.Add((await GraphQLClient.ReadJsonAsync(response))["code"]!.GetValue<int>());
        }

        Assert.All(codes[..^1], c => Assert.Equal(200, c));
        Assert.Equal(2071, codes[^1]);
    }

    /// <summary>The real server plus an endpoint that fails the way a bug would, quoting the request in its message.</summary>
    private static GenAuthApp CrashingApp(string environment, CapturedLogs logs) =>
        new(settings: new Dictionary<string, string?> { ["environment"] = environment }, services: s =>
        {
            s.AddSingleton<ILoggerProvider>(logs);
            s.AddSingleton<IStartupFilter, CrashFilter>();
        });

    private sealed class CrashFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            // Note: after the app's own pipeline, so the request passes the server's middleware (as an endpoint's would).
            app.Run(async http =>
            {
                using var reader = new StreamReader(http.Request.Body);
                var body = await reader.ReadToEndAsync();
                throw new InvalidOperationException($"bug with {http.Request.Headers.Authorization} and {body}");
            });
        };
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenAuth.sln")))
                return dir.FullName;
        throw new InvalidOperationException("GenAuth.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Everything the server logs, with exception texts, as one string.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public string Text => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
