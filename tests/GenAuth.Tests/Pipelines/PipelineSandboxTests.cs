using System.Text.Json.Nodes;
using GenAuth.Core.Pipelines;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GenAuth.Tests.Pipelines;

/// <summary>The Jint sandbox on its own: each abuse ends as a failure with its reason, within the limits, and the next run works.</summary>
public sealed class PipelineSandboxTests : IDisposable
{
    private readonly PipelineSandbox _sandbox = new(Options.Create(new PipelineOptions { MaxStatements = 50_000_000 }),
        NullLogger<PipelineSandbox>.Instance);

    public void Dispose() => _sandbox.Dispose();

    private SandboxResult Run(string body, int timeoutMs = 500, SandboxEnvironment? env = null) =>
        _sandbox.RunPipe("async function pipe(user, context, callback) {\n" + body + "\n}", new JsonObject { ["id"] = "u1" },
            new JsonObject { ["request"] = new JsonObject { ["body"] = new JsonObject() } }, env ?? SandboxEnvironment.Empty, timeoutMs,
            CancellationToken.None);

    private void AssertStillWorks()
    {
        var ok = Run("user.addToken('after', 'yes'); callback(null, user, context);");
        Assert.Equal(SandboxStatus.Passed, ok.Status);
        Assert.Equal("yes", Assert.Single(ok.Tokens).Value!.GetValue<string>());
    }

    [Fact]
    public void AnInfiniteLoopStopsAtTheTimeLimit()
    {
        var result = Run("while (true) {}");
        Assert.Equal(SandboxStatus.Failed, result.Status);
        Assert.Contains("ran longer than 500 ms", result.Message);
        AssertStillWorks();
    }

    [Fact]
    public void TooManyStatementsStop()
    {
        using var strict = new PipelineSandbox(Options.Create(new PipelineOptions { MaxStatements = 1000 }), NullLogger<PipelineSandbox>.Instance);
        var result = strict.RunPipe("async function pipe(u, c, cb) { for (let i = 0; i < 100000; i++) {} cb(null, u, c); }",
            new JsonObject(), new JsonObject(), SandboxEnvironment.Empty, 5000, CancellationToken.None);
        Assert.Equal(SandboxStatus.Failed, result.Status);
        Assert.Contains("more than 1000 statements", result.Message);
    }

    [Theory]
    [InlineData("const s = 'x'.repeat(1024 * 1024 * 1024); callback(null, user, context);")]
    [InlineData("const a = new Array(1024 * 1024 * 1024).fill(1); callback(null, user, context);")]
    [InlineData("const b = new ArrayBuffer(1024 * 1024 * 1024); callback(null, user, context);")]
    [InlineData("const b = new Uint8Array(1024 * 1024 * 1024); callback(null, user, context);")]
    [InlineData("const parts = []; let s = 'x'; while (true) { s = s + s; parts.push(s); } ")]
    [InlineData("const all = []; while (true) { all.push({ a: 'x'.repeat(1000), b: [1, 2, 3] }); }")]
    public void AGigabyteAllocationFailsCleanly(string body)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var result = Run(body, timeoutMs: 3000);
        Assert.Equal(SandboxStatus.Failed, result.Status);
        Assert.False(string.IsNullOrEmpty(result.Message));
        // Note: the limit is 64 MB per run: the process didn't keep (or reach) a gigabyte.
        Assert.True(GC.GetTotalMemory(forceFullCollection: true) - before < 256L * 1024 * 1024);
        AssertStillWorks();
    }

    [Fact]
    public void RequireIsRefusedWithItsName()
    {
        var result = Run("const fs = require('fs'); fs.readFileSync('/etc/passwd'); callback(null, user, context);");
        Assert.Equal(SandboxStatus.Failed, result.Status);
        Assert.Contains("require('fs') is not available", result.Message);
        AssertStillWorks();
    }

    [Theory]
    [InlineData("eval('1 + 1'); callback(null, user, context);")]
    [InlineData("new Function('return 1')(); callback(null, user, context);")]
    [InlineData("const p = process.env; callback(null, user, context);")]
    [InlineData("System.IO.File.ReadAllText('/etc/passwd'); callback(null, user, context);")]
    [InlineData("importScripts('x'); callback(null, user, context);")]
    public void NoWayOutOfTheSandbox(string body)
    {
        var result = Run(body);
        Assert.Equal(SandboxStatus.Failed, result.Status);
        AssertStillWorks();
    }

    [Fact]
    public void DeepRecursionStops()
    {
        var result = Run("function f(n) { return f(n + 1) + 1; } f(0); callback(null, user, context);");
        Assert.Equal(SandboxStatus.Failed, result.Status);
        Assert.Contains("deeper than 64", result.Message);
    }

    [Fact]
    public void AThrownErrorOrAMissingCallbackFails()
    {
        var thrown = Run("throw new Error('boom');");
        Assert.Equal(SandboxStatus.Failed, thrown.Status);
        Assert.Contains("boom", thrown.Message);
        var silent = Run("const x = 1;");
        Assert.Equal(SandboxStatus.Failed, silent.Status);
        Assert.Contains("without calling callback", silent.Message);
        var rejected = Run("await Promise.reject(new Error('nope'));");
        Assert.Equal(SandboxStatus.Failed, rejected.Status);
    }

    [Fact]
    public void ACallbackErrorRefusesWithItsMessage()
    {
        var result = Run("return callback(new Error('Access denied.'));");
        Assert.Equal(SandboxStatus.Refused, result.Status);
        Assert.Equal("Access denied.", result.Message);
    }

    [Fact]
    public void EnvIsReadableAndFetchIsAbsentByDefault()
    {
        var env = new SandboxEnvironment(new Dictionary<string, string> { ["HOOK"] = "secret-url" }, []);
        var result = Run("user.addToken('hook', env.HOOK); user.addToken('fetch', typeof fetch); callback(null, user, context);", env: env);
        Assert.Equal(SandboxStatus.Passed, result.Status);
        Assert.Equal("secret-url", result.Tokens[0].Value!.GetValue<string>());
        Assert.Equal("undefined", result.Tokens[1].Value!.GetValue<string>());
    }

    [Fact]
    public void FetchReachesOnlyAllowListedPublicHosts()
    {
        var env = new SandboxEnvironment(new Dictionary<string, string>(), ["allowed.example"]);
        var other = Run("await fetch('https://other.example/x'); callback(null, user, context);", env: env);
        Assert.Equal(SandboxStatus.Failed, other.Status);
        Assert.Contains("not on this pool's fetch allow-list", other.Message);
        var plain = Run("await fetch('http://allowed.example/x'); callback(null, user, context);", env: env);
        Assert.Equal(SandboxStatus.Failed, plain.Status);
        Assert.Contains("only absolute https URLs", plain.Message);
        var loopback = new SandboxEnvironment(new Dictionary<string, string>(), ["localhost"]);
        var local = Run("await fetch('https://localhost:1/x'); callback(null, user, context);", env: loopback);
        Assert.Equal(SandboxStatus.Failed, local.Status);
        Assert.Contains("no public address", local.Message);
    }
}
