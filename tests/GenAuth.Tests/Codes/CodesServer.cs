using System.Net.Http.Json;
using System.Text.Json;
using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using GenAuth.Server.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace GenAuth.Tests.Codes;

/// <summary>
/// An in-process server (Kestrel on a loopback port) with a fresh data directory, a movable clock, and real delivery:
/// SMTP to an in-process SMTP server on loopback (<see cref="SmtpSink"/>), SMS to a local HTTP listener. <see cref="Delivery"/> false leaves both unconfigured (the outbox).
/// </summary>
public class CodesServer : WebApplicationFactory<Program>
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    public string DataDir { get; } = Directory.CreateTempSubdirectory("genauth-codes-").FullName;
    public SmtpSink? Smtp { get; }
    public SmsGateway? Sms { get; }
    public LogCollector Logs { get; } = new();

    protected virtual bool Delivery => true;

    /// <summary>False keeps the real GenAuth:Quotas defaults (the quota tests); true lifts them for everything else.</summary>
    protected virtual bool RoomyQuotas => true;

    public CodesServer()
    {
        UseKestrel(0); // real HTTP on a loopback port, not the in-memory TestServer
        if (Delivery)
        {
            Smtp = new SmtpSink();
            Sms = new SmsGateway();
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("GenAuth:DataDirectory", DataDir);
        builder.UseSetting("GenAuth:PublicUrl", "http://genauth.test");
        if (RoomyQuotas)
            foreach (var (key, value) in GenAuth.Tests.Infrastructure.GenAuthApp.RoomyQuotas)
                builder.UseSetting(key, value);
        if (Smtp is not null && Sms is not null)
        {
            builder.UseSetting("GenAuth:Smtp:Host", "127.0.0.1");
            builder.UseSetting("GenAuth:Smtp:Port", Smtp.Port.ToString());
            builder.UseSetting("GenAuth:Smtp:Security", "None");
            builder.UseSetting("GenAuth:Smtp:From", "GenAuth Tests <no-reply@genauth.test>");
            builder.UseSetting("GenAuth:Sms:Http:Url", Sms.Url);
            builder.UseSetting("GenAuth:Sms:Http:Headers:Authorization", "Bearer sms-secret");
            builder.UseSetting("GenAuth:Sms:Http:BodyTemplate", """{"to":"{{phone}}","code":"{{code}}","text":"{{text}}"}""");
        }
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        builder.ConfigureServices(s =>
        {
            s.RemoveAll<TimeProvider>();
            s.AddSingleton<TimeProvider>(Clock);
        });
    }

    public string PoolId =>
        Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<BootstrapService>().First().Info!.UserPoolId;

    public async Task<string> AdminTokenAsync()
    {
        var secret = Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<BootstrapService>().First().Info!.Secret;
        var result = await GqlAsync("query($u: String!, $s: String!) { accessToken(userPoolId: $u, secret: $s) { accessToken } }",
            new { u = PoolId, s = secret });
        return result.Data("accessToken").GetProperty("accessToken").GetString()!;
    }

    /// <summary>Changes pool settings directly (updateUserpool belongs to another capability) and drops the pool cache.</summary>
    public async Task UpdatePoolAsync(Action<UserPool> change)
    {
        using var scope = Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
        var pool = await db.UserPools.FindAsync(PoolId) ?? throw new InvalidOperationException("no pool");
        change(pool);
        await db.SaveChangesAsync();
        scope.ServiceProvider.GetRequiredService<PoolDirectory>().Forget(PoolId);
    }

    public async Task WithDbAsync(Func<GenAuthDbContext, Task> action)
    {
        using var scope = Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
        db.PoolId = PoolId;
        await action(db);
    }

    public async Task<JsonElement> GqlAsync(string query, object? variables = null, string? token = null, string lang = "en-US")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql/v2")
        {
            Content = JsonContent.Create(new { query, variables }),
        };
        request.Headers.Add("x-authing-userpool-id", PoolId);
        request.Headers.Add("x-authing-lang", lang);
        if (token is not null)
            request.Headers.Authorization = new("Bearer", token);
        using var response = await Http.SendAsync(request);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private HttpClient? _http;

    /// <summary>One HTTP client to the Kestrel address, reused by <see cref="GqlAsync"/> and <see cref="RestAsync"/>.</summary>
    public HttpClient Http => _http ??= CreateClient();

    public async Task<JsonElement> RestAsync(HttpMethod method, string path, object? body = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        request.Headers.Add("x-authing-userpool-id", PoolId);
        if (token is not null)
            request.Headers.Authorization = new("Bearer", token);
        using var response = await Http.SendAsync(request);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Smtp?.Dispose();
            Sms?.Dispose();
        }
    }
}

/// <summary>No SMTP server and no SMS gateway: every message goes to data/outbox.jsonl.</summary>
public sealed class OutboxServer : CodesServer
{
    protected override bool Delivery => false;
}

public static class GqlResult
{
    /// <summary>The GenAuth code of the first GraphQL error, or 200 when there is none.</summary>
    public static int Code(this JsonElement result) =>
        result.TryGetProperty("errors", out var errors) && errors.GetArrayLength() > 0
            ? errors[0].GetProperty("extensions").GetProperty("code").GetInt32()
            : 200;

    public static JsonElement Data(this JsonElement result, string field)
    {
        Assert.True(result.Code() == 200, result.ToString());
        return result.GetProperty("data").GetProperty(field);
    }

    public static string Phone() => "138" + Random.Shared.Next(10_000_000, 99_999_999);
    public static string Email(string tag) => $"{tag}-{Guid.NewGuid():N}"[..20] + "@example.com";
}

/// <summary>Every log line the server writes, to prove codes and targets never reach them.</summary>
public sealed class LogCollector : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();
    public IEnumerable<string> Lines => _lines;
    public ILogger CreateLogger(string categoryName) => new Logger(this);
    public void Dispose() { }

    private sealed class Logger(LogCollector owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue(formatter(state, exception) + " " + exception);
    }
}
