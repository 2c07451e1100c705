using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using GenAuth.Tests.Infrastructure;
using Microsoft.Playwright;

namespace GenAuth.Tests.Pages;

/// <summary>
/// One server and one headless Debian Chromium (Playwright .NET, ExecutablePath: no browser download) shared by the
/// hosted-pages browser tests. Screenshots go to TestResults/screenshots (gitignored); axe-core runs on every page
/// and state a test visits, and a serious or critical violation fails it.
/// </summary>
public sealed class PagesBrowser : IAsyncLifetime
{
    public GenAuthApp App { get; } = new();
    public GraphQLClient Gql { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    private IPlaywright _playwright = null!;
    public IBrowser Browser { get; private set; } = null!;

    public static readonly string Screenshots = Path.Combine(
        Path.GetDirectoryName(typeof(PagesBrowser).Assembly.Location)!, "..", "..", "..", "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        var chromium = Requires.Chromium();
        Gql = App.CreateGraphQLClient();
        BaseUrl = Gql.Http.BaseAddress!.ToString().TrimEnd('/');
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
        Directory.CreateDirectory(Screenshots);
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright.Dispose();
        await App.DisposeAsync();
    }

    /// <summary>A fresh browser profile (no cookies) at phone width by default, in the given language.</summary>
    public async Task<(IBrowserContext Context, IPage Page)> NewPageAsync(string locale = "en-US", int width = 390)
    {
        var context = await Browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = width, Height = 844 },
            Locale = locale,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Accept-Language"] = locale },
        });
        // CI machines are small and run other test classes beside the browser: give each step room.
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        var page = await context.NewPageAsync();
        var foreign = ForeignRequests.GetOrAdd(page, _ => []);
        var csp = CspViolations.GetOrAdd(page, _ => []);
        // Nothing may be fetched from another origin: the product is complete offline.
        page.Request += (_, r) =>
        {
            if (!r.Url.StartsWith(BaseUrl, StringComparison.Ordinal) && !r.Url.StartsWith("data:", StringComparison.Ordinal)
                && !r.Url.StartsWith("ws://", StringComparison.Ordinal))
                foreign.Add(r.Url);
        };
        page.Console += (_, m) =>
        {
            // A CSP refusal shows up as a console error: the pages must need no exception.
            if (m.Type == "error" && m.Text.Contains("Content Security Policy", StringComparison.Ordinal))
                csp.Add(m.Text);
        };
        return (context, page);
    }

    // Per page: tests run one after another but share the browser.
    private System.Collections.Concurrent.ConcurrentDictionary<IPage, System.Collections.Concurrent.ConcurrentBag<string>> ForeignRequests { get; } = new();
    private System.Collections.Concurrent.ConcurrentDictionary<IPage, System.Collections.Concurrent.ConcurrentBag<string>> CspViolations { get; } = new();

    /// <summary>Screenshot + axe-core: no serious or critical violation on this page in this state.</summary>
    /// <param name="allowedForeign">Prefixes of requests this page may have made to other origins (a relying party's pages).</param>
    public async Task CheckAsync(IPage page, string name, params string[] allowedForeign)
    {
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
        var result = await page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"{name}: axe-core found {bad.Count} serious/critical violation(s): " +
            string.Join("; ", bad.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));
        // 390 px: nothing wider than the viewport (no horizontal scrolling).
        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, $"{name}: the page scrolls horizontally at {page.ViewportSize?.Width} px");
        Assert.Empty(CspViolations.GetOrAdd(page, _ => []));
        Assert.DoesNotContain(ForeignRequests.GetOrAdd(page, _ => []), u => !allowedForeign.Any(a => u.StartsWith(a, StringComparison.Ordinal)));
    }

    /// <summary>
    /// Waits until the page's URL matches, by polling the URL rather than waiting for a navigation event: a redirect
    /// chain can commit between a test's last action and the moment a navigation waiter is registered, and the
    /// waiter would then wait for a navigation that already happened. Then the page's DOM is ready.
    /// </summary>
    public static async Task AtUrlAsync(IPage page, Func<string, bool> matches, int timeoutMs = 60_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!matches(page.Url))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The page stayed at {page.Url}");
            await Task.Delay(50);
        }
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }

    public static string NewEmail(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)] + "@example.com";

    /// <summary>The newest code the outbox recorded for this address (SMS and mail both land there in tests).</summary>
    public async Task<string> LastCodeAsync(string to)
    {
        var path = Path.Combine(App.DataDirectory, "outbox.jsonl");
        for (var i = 0; i < 50; i++)
        {
            if (File.Exists(path))
            {
                string? code = null;
                await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
                using (var reader = new StreamReader(stream))
                {
                    while (await reader.ReadLineAsync() is { } line)
                    {
                        using var doc = JsonDocument.Parse(line);
                        if (doc.RootElement.TryGetProperty("to", out var t) && t.GetString() == to
                            && doc.RootElement.TryGetProperty("text", out var c)
                            && System.Text.RegularExpressions.Regex.Match(c.GetString() ?? "", @"\b(\d{4,8})\b") is { Success: true } m)
                            code = m.Groups[1].Value;
                    }
                }
                if (code is not null)
                    return code;
            }
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"No code for {to} in the outbox");
    }
}

[CollectionDefinition(Name)]
public sealed class PagesCollection : ICollectionFixture<PagesBrowser>
{
    public const string Name = "hosted pages browser";
}
