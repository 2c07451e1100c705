using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Oidc;

namespace GenAuth.Tests.ExtIdp;

/// <summary>
/// npm oidc-provider (OpenID-certified, tests/extidp-op/provider.mjs) on a loopback port as a real external OpenID
/// provider, with a confidential client "genauth" whose redirect URIs are GenAuth's callbacks, and a GitHub-shaped
/// OAuth 2.0 server under /gh. Installs its node packages on first use (npm ci), like the SDK suite.
/// </summary>
public sealed class ExternalOp : IAsyncDisposable
{
    public const string ClientId = "genauth";
    public string ClientSecret { get; }
    public Uri Issuer { get; }
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ExternalOp(Uri issuer, string secret, Process process)
    {
        Issuer = issuer;
        ClientSecret = secret;
        _process = process;
    }

    public static async Task<ExternalOp> StartAsync(IEnumerable<string> redirectUris)
    {
        var dir = FindDirectory();
        if (!File.Exists(Path.Combine(dir, "node_modules", "oidc-provider", "package.json")))
        {
            using var npm = Process.Start(new ProcessStartInfo(Requires.Npm(), "ci --no-audit --no-fund") { WorkingDirectory = dir })!;
            await npm.WaitForExitAsync();
            Assert.Equal(0, npm.ExitCode);
        }
        var port = FreePort();
        var secret = "op-secret-" + Guid.NewGuid().ToString("N");
        var start = new ProcessStartInfo(Requires.Node(), "provider.mjs")
        {
            WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["REDIRECT_URIS"] = string.Join(',', redirectUris);
        start.Environment["CLIENT_SECRET"] = secret;
        var process = Process.Start(start)!;
        var op = new ExternalOp(new Uri($"http://127.0.0.1:{port}"), secret, process);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (op._log)
                op._log.AppendLine(e.Data);
            if (e.Data.StartsWith("ready ", StringComparison.Ordinal))
                ready.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (op._log)
                op._log.AppendLine(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var done = await Task.WhenAny(ready.Task, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(done == ready.Task, "oidc-provider did not start: " + op.Log);
        return op;
    }

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>Makes the provider's next token response misbehave (wrong-aud, expired, unsigned, bad-nonce, bad-sig, error).</summary>
    public async Task SetModeAsync(string mode)
    {
        using var http = new HttpClient();
        (await http.PostAsync(new Uri(Issuer, "/test/mode?m=" + mode), null)).EnsureSuccessStatusCode();
    }

    public async Task SetGitHubUserAsync(long id, string login, string? email, string name)
    {
        using var http = new HttpClient();
        var q = $"/test/gh-user?id={id}&login={Uri.EscapeDataString(login)}&email={Uri.EscapeDataString(email ?? "")}&name={Uri.EscapeDataString(name)}";
        (await http.PostAsync(new Uri(Issuer, q), null)).EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Drives the browser from a GenAuth start URL through the provider's login and consent pages (oidc-provider's dev
    /// interactions: any password, the login name is the subject) until the provider redirects back to GenAuth; returns
    /// that callback URL without following it.
    /// </summary>
    /// <summary>
    /// Like <see cref="SignInAtProviderAsync"/> for a response_mode=form_post flow: the provider ends with a page that
    /// posts the code to GenAuth; returns that form's action and fields without posting them.
    /// </summary>
    public async Task<(Uri Action, Dictionary<string, string> Form)> SignInAtProviderFormPostAsync(Browser browser, Uri genauth, string startPath,
        string login)
    {
        var response = await browser.Http.GetAsync(new Uri(genauth, startPath));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"start answered {(int)response.StatusCode}");
        var url = response.Headers.Location!;
        for (var hop = 0; hop < 20; hop++)
        {
            Assert.NotEqual(genauth.Authority, url.Authority); // a form_post flow never comes back by redirect
            response = await browser.Http.GetAsync(url);
            if ((int)response.StatusCode is >= 300 and < 400)
            {
                url = new Uri(url, response.Headers.Location!);
                continue;
            }
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"provider answered {(int)response.StatusCode} at {url}: {html}");
            var action = new Uri(url, WebUtility.HtmlDecode(Regex.Match(html, "<form[^>]*action=\"([^\"]+)\"").Groups[1].Value));
            if (action.Authority == genauth.Authority)
                return (action, Regex.Matches(html, "<input[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"")
                    .ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value)));
            var form = html.Contains("value=\"consent\"", StringComparison.Ordinal)
                ? new Dictionary<string, string> { ["prompt"] = "consent" }
                : new Dictionary<string, string> { ["prompt"] = "login", ["login"] = login, ["password"] = "any" };
            response = await browser.Http.PostAsync(action, new FormUrlEncodedContent(form));
            Assert.True((int)response.StatusCode is >= 300 and < 400, $"provider form answered {(int)response.StatusCode}");
            url = new Uri(url, response.Headers.Location!);
        }
        throw new InvalidOperationException("Too many hops at the provider");
    }

    public async Task<Uri> SignInAtProviderAsync(Browser browser, Uri genauth, string startPath, string login)
    {
        var response = await browser.Http.GetAsync(new Uri(genauth, startPath));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"start answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var url = response.Headers.Location!;
        for (var hop = 0; hop < 20; hop++)
        {
            if (url.Authority == genauth.Authority)
                return url;
            response = await browser.Http.GetAsync(url);
            if ((int)response.StatusCode is >= 300 and < 400)
            {
                url = new Uri(url, response.Headers.Location!);
                continue;
            }
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"provider answered {(int)response.StatusCode} at {url}: {html}");
            var form = html.Contains("value=\"consent\"", StringComparison.Ordinal)
                ? new Dictionary<string, string> { ["prompt"] = "consent" }
                : new Dictionary<string, string> { ["prompt"] = "login", ["login"] = login, ["password"] = "any" };
            var action = Regex.Match(html, "<form[^>]*action=\"([^\"]+)\"").Groups[1].Value;
            response = await browser.Http.PostAsync(new Uri(url, WebUtility.HtmlDecode(action)), new FormUrlEncodedContent(form));
            Assert.True((int)response.StatusCode is >= 300 and < 400, $"provider form answered {(int)response.StatusCode}");
            url = new Uri(url, response.Headers.Location!);
        }
        throw new InvalidOperationException("Too many hops at the provider");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string FindDirectory()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var dir = Path.Combine(d.FullName, "tests", "extidp-op");
            if (File.Exists(Path.Combine(dir, "provider.mjs")))
                return dir;
        }
        throw new InvalidOperationException("tests/extidp-op not found");
    }
}
