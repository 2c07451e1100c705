using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using GenAuth.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace GenAuth.Tests.Operations;

/// <summary>
/// GenAuth:Logging:Json: every log entry as the server's own JSON console formatter writes it, captured at Trace level
/// while a password sign-in, a code send and sign-in, and token use run: request id, pool and operation are in scope,
/// and no password, code or token is in the text.
/// </summary>
public sealed class JsonLogTests
{
    [Fact]
    public async Task SignInsCodesAndTokensNeverReachTheLog()
    {
        var settings = new Dictionary<string, string?>(GenAuthApp.RoomyQuotas)
        {
            ["GenAuth:Logging:Json"] = "true",
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace",
        };
        await using var app = new GenAuthApp(settings: settings, services: s =>
        {
            s.AddSingleton<JsonLogCapture>();
            s.AddSingleton<ILoggerProvider>(sp => sp.GetRequiredService<JsonLogCapture>());
        });
        var client = app.CreateGraphQLClient();
        const string password = "Pelican-Quartz-Secret-8841";
        var email = $"log{Guid.NewGuid():N}@example.com";
        GraphQLClient.Success(await client.RegisterByEmailAsync(email, password), "registerByEmail");
        var login = await PostNamedAsync(client, "LoginOp",
            "mutation LoginOp($input: LoginByEmailInput!) { loginByEmail(input: $input) { token } }",
            new { input = new { email, password } });
        var token = login.GetProperty("data").GetProperty("loginByEmail").GetProperty("token").GetString()!;
        Assert.Equal(2333, GraphQLClient.ErrorCode(await client.LoginByEmailAsync(email, password + "x")));
        GraphQLClient.Success(await client.PostAsync(Ops.User, token: token), "user");

        const string phone = "13800138123";
        GraphQLClient.Success(await client.PostAsync("mutation { sendSmsCode(phone: \"" + phone + "\") { code } }"), "sendSmsCode");
        var text = File.ReadAllLines(Path.Combine(app.DataDirectory, "outbox.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement).Last(m => m.GetProperty("to").GetString()!.Contains(phone))
            .GetProperty("text").GetString()!;
        var code = Regex.Match(text, @"\d{4,8}").Value;
        var phoneLogin = await client.PostAsync(
            "mutation($input: LoginByPhoneCodeInput!) { loginByPhoneCode(input: $input) { token } }", new { input = new { phone, code } });
        var phoneToken = GraphQLClient.Success(phoneLogin, "loginByPhoneCode")["token"]!.GetValue<string>();

        var log = app.Services.GetRequiredService<JsonLogCapture>().Text;
        Assert.NotEmpty(log);
        Assert.DoesNotContain(password, log);
        foreach (var t in new[] { token, phoneToken })
        {
            Assert.DoesNotContain(t, log);
            Assert.DoesNotContain(t.Split('.')[2], log);
        }
        Assert.DoesNotMatch(new Regex($"(?<![0-9a-fA-F]){code}(?![0-9a-fA-F])"), log);

        // Every entry is one JSON object; those written while LoginOp ran carry the request id, pool and operation name.
        var entries = log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var scoped = entries.Where(e => e.TryGetProperty("Scopes", out var scopes)
                                        && scopes.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.Object
                                                                            && s.TryGetProperty("OperationName", out var op) && op.GetString() == "LoginOp"))
            .ToList();
        Assert.NotEmpty(scoped);
        var scopesOfOne = scoped[0].GetProperty("Scopes").EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object).ToList();
        Assert.Contains(scopesOfOne, s => s.TryGetProperty("PoolId", out var pool) && pool.GetString() == app.UserPoolId);
        Assert.Contains(scopesOfOne, s => s.TryGetProperty("RequestId", out var id) && id.GetString() is { Length: > 0 });
    }

    [Fact]
    public async Task PlainConsoleUnlessConfigured()
    {
        await using var app = new GenAuthApp();
        _ = app.CreateClient();
        var console = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;
        Assert.NotEqual(ConsoleFormatterNames.Json, console.FormatterName);

        await using var json = new GenAuthApp(settings: new Dictionary<string, string?> { ["GenAuth:Logging:Json"] = "true" });
        _ = json.CreateClient();
        Assert.Equal(ConsoleFormatterNames.Json,
            json.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
    }

    private static async Task<JsonElement> PostNamedAsync(GraphQLClient client, string operationName, string query, object variables)
    {
        using var request = client.NewRequest(HttpMethod.Post, GenAuthApp.GraphQLPath);
        request.Content = new StringContent(JsonSerializer.Serialize(new { query, operationName, variables }), Encoding.UTF8,
            new MediaTypeHeaderValue("application/json"));
        using var response = await client.Http.SendAsync(request);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}

/// <summary>Writes every entry with the server's configured JSON console formatter into memory instead of stdout.</summary>
public sealed class JsonLogCapture(IEnumerable<ConsoleFormatter> formatters) : ILoggerProvider, ISupportExternalScope
{
    private readonly ConsoleFormatter _json = formatters.Single(f => f.Name == ConsoleFormatterNames.Json);
    private readonly StringBuilder _text = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public string Text
    {
        get
        {
            lock (_text)
                return _text.ToString();
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(JsonLogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            using var writer = new StringWriter();
            owner._json.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), owner._scopes, writer);
            lock (owner._text)
                owner._text.Append(writer);
        }
    }
}
