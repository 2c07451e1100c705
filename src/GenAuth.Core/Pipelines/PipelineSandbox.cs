using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Acornima.Ast;
using GenAuth.Core.Common;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Interop;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Pipelines;

public enum SandboxStatus
{
    /// <summary>The function called back without an error (or a script returned).</summary>
    Passed,

    /// <summary>The function called back with an error: the action is refused with its message.</summary>
    Refused,

    /// <summary>The function threw, ran too long or too deep, allocated too much, or never called back.</summary>
    Failed,
}

/// <summary>What one run gave: the status, the refusal or failure message, and the values it passed on.</summary>
public sealed record SandboxResult(SandboxStatus Status, string? Message)
{
    public JsonObject? User { get; init; }
    public JsonObject? Context { get; init; }

    /// <summary>The claims user.addToken added, in call order.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonNode?>> Tokens { get; init; } = [];

    /// <summary>A script's return value (custom database), as JSON; null when it returned nothing.</summary>
    public JsonNode? Returned { get; init; }
}

/// <summary>What a pool gives its functions: <c>env</c>, and the hosts <c>fetch</c> may reach (none: no fetch).</summary>
public sealed record SandboxEnvironment(IReadOnlyDictionary<string, string> Env, IReadOnlyList<string> FetchHosts)
{
    public static readonly SandboxEnvironment Empty = new(new Dictionary<string, string>(), []);
}

/// <summary>
/// Runs pool-supplied JavaScript (pipeline functions, custom database scripts) in Jint with hard limits: time, memory,
/// statements, recursion depth and array size; no CLR access, no eval/new Function, no modules (<c>require</c> throws),
/// no typed arrays or ArrayBuffer (one constructor call could allocate a gigabyte before a constraint looks), and no
/// network except a <c>fetch</c> to the pool's allow-listed hosts. Each run gets a fresh engine, so nothing leaks between
/// runs or pools; parsed scripts are cached (Jint's Prepared scripts), so a run costs no parsing. Runs are synchronous
/// on the caller's thread (Jint's memory limit counts that thread's allocations) and at most MaxConcurrentRuns at once.
/// </summary>
public sealed class PipelineSandbox : IDisposable
{
    private const int MaxPreparedScripts = 512;
    private const int MaxMessageLength = 500;
    private const int MaxJsonLength = 64 * 1024;

    // Note: globals that allocate large native buffers in one call, or reach beyond the run.
    private static readonly string[] RemovedGlobals =
    [
        "ArrayBuffer", "SharedArrayBuffer", "DataView", "Atomics", "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array",
        "Uint16Array", "Int32Array", "Uint32Array", "Float16Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
        "WeakRef", "FinalizationRegistry",
    ];

    private readonly PipelineOptions _options;
    private readonly ILogger<PipelineSandbox> _log;
    private readonly ConcurrentDictionary<string, Prepared<Script>> _prepared = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _slots;
    private readonly HttpClient _http;

    public PipelineSandbox(IOptions<PipelineOptions> options, ILogger<PipelineSandbox> log)
    {
        _options = options.Value;
        _log = log;
        _slots = new SemaphoreSlim(_options.MaxConcurrentRuns > 0 ? _options.MaxConcurrentRuns : Environment.ProcessorCount);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromMilliseconds(_options.FetchTimeoutMs),
            ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromMilliseconds(_options.FetchTimeoutMs) };
    }

    public PipelineOptions Options => _options;

    /// <summary>Parses a source once (cached by its text); a syntax error answers its message instead.</summary>
    public bool TryPrepare(string source, out string? error)
    {
        try
        {
            Prepare(source);
            error = null;
            return true;
        }
        catch (Exception e) when (e is Acornima.ParseErrorException or JintException or ArgumentException)
        {
            error = Trim(e.Message);
            return false;
        }
    }

    /// <summary>Whether the source declares a top-level function with this name (checked on the parsed script).</summary>
    public bool Declares(string source, string name)
    {
        var script = Prepare(source).Program;
        return script is not null && script.Body.OfType<FunctionDeclaration>().Any(f => f.Id?.Name == name);
    }

    /// <summary>
    /// Runs <c>pipe(user, context, callback)</c>: the function passes when it calls <c>callback(null, user, context)</c>,
    /// is refused by <c>callback(new Error(message))</c>, and fails on anything else (throwing, not calling back, limits).
    /// </summary>
    public SandboxResult RunPipe(string source, JsonObject user, JsonObject context, SandboxEnvironment environment, int timeoutMs,
        CancellationToken ct)
    {
        var tokens = new List<KeyValuePair<string, JsonNode?>>();
        SandboxResult? called = null;
        return Execute(source, environment, timeoutMs, ct, engine =>
        {
            var jsUser = ToJs(engine, user);
            if (jsUser is ObjectInstance userObject)
            {
                userObject.FastSetProperty("addToken", new Jint.Runtime.Descriptors.PropertyDescriptor(new ClrFunction(engine, "addToken", (_, args) =>
                {
                    var key = args.Length > 0 ? TypeConverter.ToString(args[0]) : "";
                    var value = args.Length > 1 ? FromJs(engine, args[1]) : null;
                    tokens.Add(new(key, value));
                    return JsValue.Undefined;
                }, 2), writable: false, enumerable: false, configurable: false));
            }
            var callback = new ClrFunction(engine, "callback", (_, args) =>
            {
                // Note: only the first call counts (a function that calls back twice doesn't change its mind).
                if (called is not null)
                    return JsValue.Undefined;
                var error = args.Length > 0 ? args[0] : JsValue.Undefined;
                if (!error.IsNull() && !error.IsUndefined())
                {
                    called = new SandboxResult(SandboxStatus.Refused, Trim(ErrorMessage(error)));
                    return JsValue.Undefined;
                }
                var nextUser = args.Length > 1 && args[1] is ObjectInstance ? FromJs(engine, args[1]) as JsonObject : FromJs(engine, jsUser) as JsonObject;
                var nextContext = args.Length > 2 && args[2] is ObjectInstance ? FromJs(engine, args[2]) as JsonObject : null;
                called = new SandboxResult(SandboxStatus.Passed, null) { User = nextUser, Context = nextContext };
                return JsValue.Undefined;
            }, 3);
            var pipe = engine.GetValue("pipe");
            if (pipe is not Jint.Native.Function.Function)
                return new SandboxResult(SandboxStatus.Failed, "The function must declare pipe(user, context, callback)");
            var jsContext = ToJs(engine, context);
            engine.Invoke(pipe, JsValue.Undefined, [jsUser, jsContext, callback]).UnwrapIfPromise(TimeSpan.FromMilliseconds(timeoutMs));
            if (called is null)
                return new SandboxResult(SandboxStatus.Failed, "The function ended without calling callback");
            return called with { Tokens = tokens, Context = called.Context ?? FromJs(engine, jsContext) as JsonObject };
        });
    }

    /// <summary>Runs a script's function (custom database: login, getUser) and answers what it returned (awaited).</summary>
    public SandboxResult RunFunction(string source, string name, IReadOnlyList<string?> args, SandboxEnvironment environment, int timeoutMs,
        CancellationToken ct) =>
        Execute(source, environment, timeoutMs, ct, engine =>
        {
            var function = engine.GetValue(name);
            if (function is not Jint.Native.Function.Function)
                return new SandboxResult(SandboxStatus.Failed, $"The script must declare {name}()");
            var jsArgs = args.Select(a => a is null ? JsValue.Null : (JsValue)new JsString(a)).ToArray();
            var value = engine.Invoke(function, JsValue.Undefined, jsArgs).UnwrapIfPromise(TimeSpan.FromMilliseconds(timeoutMs));
            return new SandboxResult(SandboxStatus.Passed, null) { Returned = FromJs(engine, value) };
        });

    private SandboxResult Execute(string source, SandboxEnvironment environment, int timeoutMs, CancellationToken ct,
        Func<Engine, SandboxResult> run)
    {
        timeoutMs = Math.Clamp(timeoutMs <= 0 ? _options.DefaultTimeoutMs : timeoutMs, 1, _options.MaxTimeoutMs);
        // Note: a slot is waited for no longer than the run may take, so a flood of slow functions refuses (fails) new
        // runs instead of queueing sign-ins without bound.
        if (!_slots.Wait(timeoutMs, ct))
            return new SandboxResult(SandboxStatus.Failed, "Too many functions are running; try again");
        try
        {
            var prepared = Prepare(source);
            using var engine = NewEngine(environment, timeoutMs, ct);
            engine.Execute(prepared);
            return run(engine);
        }
        catch (JavaScriptException e)
        {
            return new SandboxResult(SandboxStatus.Failed, Trim("Uncaught " + e.Message));
        }
        catch (PromiseRejectedException e)
        {
            return new SandboxResult(SandboxStatus.Failed, Trim("Uncaught (in promise) " + ErrorMessageOf(e.RejectedValue)));
        }
        catch (TimeoutException)
        {
            return new SandboxResult(SandboxStatus.Failed, $"The function ran longer than {timeoutMs} ms");
        }
        catch (MemoryLimitExceededException)
        {
            return new SandboxResult(SandboxStatus.Failed, $"The function allocated more than {_options.MemoryLimitMb} MB");
        }
        catch (StatementsCountOverflowException)
        {
            return new SandboxResult(SandboxStatus.Failed, $"The function ran more than {_options.MaxStatements} statements");
        }
        catch (RecursionDepthOverflowException)
        {
            return new SandboxResult(SandboxStatus.Failed, $"The function nested calls deeper than {_options.MaxRecursion}");
        }
        catch (ExecutionCanceledException)
        {
            return new SandboxResult(SandboxStatus.Failed, "The request ended before the function");
        }
        catch (OutOfMemoryException)
        {
            return new SandboxResult(SandboxStatus.Failed, $"The function allocated more than {_options.MemoryLimitMb} MB");
        }
        catch (Exception e) when (e is JintException or Acornima.ParseErrorException or InvalidOperationException or ArgumentException
                                       or InsufficientExecutionStackException)
        {
            return new SandboxResult(SandboxStatus.Failed, Trim(e.Message));
        }
        finally
        {
            _slots.Release();
        }
    }

    private Prepared<Script> Prepare(string source)
    {
        if (_prepared.TryGetValue(source, out var prepared))
            return prepared;
        prepared = Engine.PrepareScript(source, "function.js", strict: false);
        // Note: a bound cache: edited functions leave old texts behind; past the bound it starts over (reparsing is cheap).
        if (_prepared.Count >= MaxPreparedScripts)
            _prepared.Clear();
        _prepared[source] = prepared;
        return prepared;
    }

    private Engine NewEngine(SandboxEnvironment environment, int timeoutMs, CancellationToken ct)
    {
        var engine = new Engine(o =>
        {
            o.TimeoutInterval(TimeSpan.FromMilliseconds(timeoutMs));
            o.LimitMemory((long)_options.MemoryLimitMb * 1024 * 1024);
            o.MaxStatements(_options.MaxStatements);
            o.LimitRecursion(_options.MaxRecursion);
            o.CancellationToken(ct);
            o.Constraints.MaxArraySize = (uint)Math.Max(1, _options.MaxArraySize);
            o.Constraints.RegexTimeout = TimeSpan.FromMilliseconds(Math.Min(timeoutMs, 250));
            o.Constraints.PromiseTimeout = TimeSpan.FromMilliseconds(timeoutMs);
            o.Host.StringCompilationAllowed = false;
            o.Interop.Enabled = false;
            o.Json.MaxParseDepth = 64;
        });
        foreach (var name in RemovedGlobals)
            engine.Global.Delete(name);
        engine.Global.FastSetDataProperty("require", new ClrFunction(engine, "require", (_, args) =>
            throw new JavaScriptException(engine.Intrinsics.Error,
                $"require('{(args.Length > 0 ? TypeConverter.ToString(args[0]) : "")}') is not available: pipeline functions load no modules"), 1));
        var env = new JsObject(engine);
        foreach (var (key, value) in environment.Env)
            env.FastSetDataProperty(key, new JsString(value));
        engine.Global.FastSetDataProperty("env", env);
        if (environment.FetchHosts.Count > 0)
        {
            var calls = 0;
            engine.Global.FastSetDataProperty("fetch", new ClrFunction(engine, "fetch", (_, args) =>
            {
                if (++calls > _options.MaxFetchCalls)
                    throw new JavaScriptException(engine.Intrinsics.Error, $"fetch: at most {_options.MaxFetchCalls} calls per run");
                return Fetch(engine, environment.FetchHosts, args, ct);
            }, 2));
        }
        return engine;
    }

    // ---- fetch (allow-listed hosts only) ---------------------------------------------------------------------------

    private JsValue Fetch(Engine engine, IReadOnlyList<string> hosts, JsValue[] args, CancellationToken ct)
    {
        var url = args.Length > 0 ? TypeConverter.ToString(args[0]) : "";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !(_options.FetchAllowInsecure && uri.Scheme == Uri.UriSchemeHttp)))
            throw new JavaScriptException(engine.Intrinsics.TypeError, "fetch: only absolute https URLs");
        if (!hosts.Contains(uri.IdnHost, StringComparer.OrdinalIgnoreCase))
            throw new JavaScriptException(engine.Intrinsics.Error, $"fetch: {uri.IdnHost} is not on this pool's fetch allow-list");
        var init = args.Length > 1 ? args[1] as ObjectInstance : null;
        var method = init?.Get("method") is { } m && !m.IsUndefined() ? TypeConverter.ToString(m).ToUpperInvariant() : "GET";
        using var request = new HttpRequestMessage(new HttpMethod(method), uri);
        if (init?.Get("body") is { } body && !body.IsUndefined() && !body.IsNull())
            request.Content = new StringContent(TypeConverter.ToString(body), Encoding.UTF8, "application/json");
        if (init?.Get("headers") is ObjectInstance headers)
        {
            foreach (var key in headers.GetOwnPropertyKeys())
            {
                var name = TypeConverter.ToString(key);
                var value = TypeConverter.ToString(headers.Get(key));
                if (!request.Headers.TryAddWithoutValidation(name, value))
                    request.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }
        int status;
        string text;
        try
        {
            // Note: blocking on purpose: the run is synchronous on its thread (the memory limit counts that thread) and
            // bounded by FetchTimeoutMs; the engine's own deadline still applies to the script around it.
            using var response = _http.Send(request, HttpCompletionOption.ResponseHeadersRead, ct);
            status = (int)response.StatusCode;
            using var stream = response.Content.ReadAsStream(ct);
            var buffer = new byte[_options.FetchMaxResponseBytes];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = stream.Read(buffer, read, buffer.Length - read)) > 0)
                read += n;
            text = Encoding.UTF8.GetString(buffer, 0, read);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or OperationCanceledException)
        {
            throw new JavaScriptException(engine.Intrinsics.Error, "fetch: " + Trim(e.Message));
        }
        var result = new JsObject(engine);
        result.FastSetDataProperty("status", JsNumber.Create(status));
        result.FastSetDataProperty("ok", status is >= 200 and < 300 ? JsBoolean.True : JsBoolean.False);
        result.FastSetDataProperty("text", new ClrFunction(engine, "text", (_, _) => new JsString(text)));
        result.FastSetDataProperty("json", new ClrFunction(engine, "json", (_, _) => new Jint.Native.Json.JsonParser(engine).Parse(text)));
        return result;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
        // Note: the allow-list names hosts; the addresses they resolve to are checked too, so a listed name pointing at
        // loopback, link-local, private or metadata addresses is still refused (unless tests allow it).
        var allowed = addresses.Where(a => _options.FetchAllowInsecure || IsPublic(a)).ToArray();
        if (allowed.Length == 0)
            throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves to no public address");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    internal static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
            return false;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast);
        var b = address.GetAddressBytes();
        return !(b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254)
                 || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) || b[0] == 0 || b[0] >= 224);
    }

    // ---- values in and out ------------------------------------------------------------------------------------------

    private static JsValue ToJs(Engine engine, JsonNode? node) =>
        node is null ? JsValue.Null : new Jint.Native.Json.JsonParser(engine).Parse(node.ToJsonString());

    /// <summary>A JS value as JSON (functions dropped, as JSON.stringify does); null when it has none or is too large.</summary>
    private static JsonNode? FromJs(Engine engine, JsValue value)
    {
        if (value.IsUndefined() || value.IsNull())
            return null;
        var text = new Jint.Native.Json.JsonSerializer(engine).Serialize(value);
        if (!text.IsString())
            return null;
        var json = text.AsString();
        if (json.Length > MaxJsonLength)
            throw new JavaScriptException(engine.Intrinsics.Error, $"A value passed back is larger than {MaxJsonLength} characters");
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string ErrorMessage(JsValue error) =>
        error is ObjectInstance o && o.Get("message") is { } message && !message.IsUndefined()
            ? TypeConverter.ToString(message)
            : TypeConverter.ToString(error);

    private static string ErrorMessageOf(JsValue? value) => value is null ? "rejected" : ErrorMessage(value);

    private static string Trim(string message)
    {
        var clean = new string(message.Where(c => !char.IsControl(c)).ToArray());
        return TextCut.Clip(clean, MaxMessageLength);
    }

    public void Dispose()
    {
        _http.Dispose();
        _slots.Dispose();
    }
}
