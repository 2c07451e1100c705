using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using GenAuth.Core.Data;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Oidc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GenAuth.Tests.Cas;

/// <summary>
/// Issue 15: GenAuth's CAS identity provider per app (/cas-idp/{appId}): the login through the pool's SSO session, and
/// service tickets that are random, single-use, bound to their service and app, short-lived, and dead with their user.
/// </summary>
public sealed class CasProviderTests : IAsyncLifetime
{
    private static readonly XNamespace Cas = "http://www.yale.edu/tp/cas";
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly OidcHost _host;
    private string _appId = "";

    public CasProviderTests() => _host = new OidcHost(s => s.AddSingleton<TimeProvider>(_clock));

    public async Task InitializeAsync() => (_appId, _) = await _host.CreateClientAsync(name: "CAS app");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static string NewEmail() => $"cas{Guid.NewGuid():N}@example.com";

    private static string Escape(string s) => Uri.EscapeDataString(s);

    /// <summary>A signed-in browser's service ticket for the app and service (the redirect's ticket parameter).</summary>
    private async Task<(string Ticket, string UserId, Browser Browser)> TicketAsync(string? appId = null, string service = OidcHost.Callback)
    {
        var email = NewEmail();
        var userId = await _host.RegisterAsync(email);
        var browser = await _host.SignedInBrowserAsync(email, appId ?? _appId);
        var response = await browser.Http.GetAsync($"/cas-idp/{appId ?? _appId}?service={Escape(service)}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(service + "?ticket=", location.ToString(), StringComparison.Ordinal);
        return (Browser.Query(location)["ticket"], userId, browser);
    }

    private async Task<XElement> ServiceValidateAsync(string ticket, string service = OidcHost.Callback, string? appId = null, string path = "serviceValidate")
    {
        var response = await _host.Gql.Http.GetAsync($"/cas-idp/{appId ?? _appId}/{path}?ticket={Escape(ticket)}&service={Escape(service)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = XElement.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(Cas + "serviceResponse", root.Name);
        return root;
    }

    private static string? FailureCode(XElement root) => root.Element(Cas + "authenticationFailure")?.Attribute("code")?.Value;

    [Fact]
    public async Task ASignedInBrowserGetsARandomTicketThatEachCasVersionValidatesOnce()
    {
        var (t1, userId, browser) = await TicketAsync();
        Assert.StartsWith("ST-", t1, StringComparison.Ordinal);
        Assert.InRange(t1.Length, 32, 256); // the CAS spec's client limit is 256 characters

        // CAS 2.0 (XML): the user and its attributes.
        var v2 = await ServiceValidateAsync(t1);
        var success = v2.Element(Cas + "authenticationSuccess");
        Assert.NotNull(success);
        Assert.Equal(userId, success.Element(Cas + "user")?.Value);
        Assert.Equal(userId, success.Element(Cas + "attributes")?.Element(Cas + "sub")?.Value);
        Assert.NotNull(success.Element(Cas + "attributes")?.Element(Cas + "email"));

        // CAS 1.0: "yes\n<user>\n".
        var t2 = Browser.Query((await browser.Http.GetAsync($"/cas-idp/{_appId}?service={Escape(OidcHost.Callback)}")).Headers.Location!)["ticket"];
        Assert.NotEqual(t1, t2);
        Assert.Equal($"yes\n{userId}\n", await _host.Gql.Http.GetStringAsync($"/cas-idp/{_appId}/validate?ticket={Escape(t2)}&service={Escape(OidcHost.Callback)}"));
        Assert.Equal("no\n", await _host.Gql.Http.GetStringAsync($"/cas-idp/{_appId}/validate?ticket={Escape(t2)}&service={Escape(OidcHost.Callback)}"));

        // CAS 3.0 with JSON.
        var t3 = Browser.Query((await browser.Http.GetAsync($"/cas-idp/{_appId}?service={Escape(OidcHost.Callback)}")).Headers.Location!)["ticket"];
        var json = JsonNode.Parse(await _host.Gql.Http.GetStringAsync(
            $"/cas-idp/{_appId}/p3/serviceValidate?ticket={Escape(t3)}&service={Escape(OidcHost.Callback)}&format=JSON"))!;
        Assert.Equal(userId, json["serviceResponse"]!["authenticationSuccess"]!["user"]!.GetValue<string>());

        // The validations are in the event log as token issues (grant "cas").
        var events = await _host.App.QueryDbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .CountAsync(e => e.Type == "issueToken" && e.UserId == userId && e.Detail!.Contains("\"cas\"")));
        Assert.Equal(3, events);
    }

    [Fact]
    public async Task AReplayedTicketIsInvalid()
    {
        var (ticket, _, _) = await TicketAsync();
        Assert.NotNull((await ServiceValidateAsync(ticket)).Element(Cas + "authenticationSuccess"));
        Assert.Equal("INVALID_TICKET", FailureCode(await ServiceValidateAsync(ticket)));
        Assert.Equal("INVALID_TICKET", FailureCode(await ServiceValidateAsync(ticket, path: "p3/serviceValidate")));
    }

    [Fact]
    public async Task ATicketShownForAnotherServiceIsInvalidServiceAndSpent()
    {
        var (ticket, _, _) = await TicketAsync();
        Assert.Equal("INVALID_SERVICE", FailureCode(await ServiceValidateAsync(ticket, "https://evil.example/callback")));
        // CAS spec 2.5.3: the ticket is invalidated by that attempt.
        Assert.Equal("INVALID_TICKET", FailureCode(await ServiceValidateAsync(ticket)));
    }

    [Fact]
    public async Task AnUnregisteredServiceGetsAPageNeverARedirect()
    {
        var email = NewEmail();
        await _host.RegisterAsync(email);
        var browser = await _host.SignedInBrowserAsync(email, _appId);
        foreach (var service in new[] { "https://evil.example/callback", OidcHost.Callback + "/more", OidcHost.Callback + "?x=1", "" })
        {
            var response = await browser.Http.GetAsync($"/cas-idp/{_appId}?service={Escape(service)}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Null(response.Headers.Location);
            Assert.StartsWith("text/html", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        }
        // Not signed in, an unregistered service is refused before the login page too.
        var anonymous = await _host.NewBrowser().Http.GetAsync($"/cas-idp/{_appId}?service={Escape("https://evil.example/callback")}");
        Assert.Equal(HttpStatusCode.BadRequest, anonymous.StatusCode);
    }

    [Fact]
    public async Task ABrowserWithoutSessionGoesToTheHostedLoginPageAndBack()
    {
        var response = await _host.NewBrowser().Http.GetAsync($"/cas-idp/{_appId}?service={Escape(OidcHost.Callback)}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith($"/login?app_id={_appId}&return_url=", location, StringComparison.Ordinal);
        var query = Browser.Query(new Uri(new Uri("http://x"), location));
        Assert.Equal($"/cas-idp/{_appId}?service={Escape(OidcHost.Callback)}", query["return_url"]);

        // gateway=true: no session, no login page: back to the service without a ticket.
        var gateway = await _host.NewBrowser().Http.GetAsync($"/cas-idp/{_appId}?service={Escape(OidcHost.Callback)}&gateway=true");
        Assert.Equal(OidcHost.Callback, gateway.Headers.Location!.ToString());
    }

    [Fact]
    public async Task AnExpiredTicketIsInvalid()
    {
        var (ticket, _, _) = await TicketAsync();
        _clock.Advance(TimeSpan.FromSeconds(301)); // the default lifetime is 5 minutes
        Assert.Equal("INVALID_TICKET", FailureCode(await ServiceValidateAsync(ticket)));
    }

    [Fact]
    public async Task AnotherAppsTicketIsInvalidThere()
    {
        var (otherApp, _) = await _host.CreateClientAsync(name: "Other CAS app");
        var (ticket, _, _) = await TicketAsync(otherApp);
        Assert.Equal("INVALID_TICKET", FailureCode(await ServiceValidateAsync(ticket, appId: _appId)));
        // Not spent by that: its own app still validates it once.
        Assert.NotNull((await ServiceValidateAsync(ticket, appId: otherApp)).Element(Cas + "authenticationSuccess"));
    }

    [Fact]
    public async Task ABlockedOrSignedOutUsersOutstandingTicketFails()
    {
        var (ticket, userId, _) = await TicketAsync();
        await _host.App.QueryDbAsync(db => db.Users.IgnoreQueryFilters().Where(u => u.Id == userId).ExecuteUpdateAsync(u => u.SetProperty(x => x.Blocked, true)));
        Assert.Equal("INVALID_TICKET", FailureCode(await ServiceValidateAsync(ticket)));

        var (second, _, browser) = await TicketAsync();
        var logout = await browser.Http.GetAsync("/cas-idp/logout");
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        Assert.Equal("INVALID_TICKET", FailureCode(await ServiceValidateAsync(second)));
    }

    [Fact]
    public async Task MissingParametersAndForgedTicketsAnswerTheirCodes()
    {
        Assert.Equal("INVALID_REQUEST", FailureCode(await ServiceValidateAsync("", OidcHost.Callback)));
        Assert.Equal("INVALID_REQUEST", FailureCode(await ServiceValidateAsync("ST-abc", "")));
        Assert.Equal("INVALID_TICKET", FailureCode(await ServiceValidateAsync("ST-" + new string('A', 120))));
        Assert.Equal("INVALID_TICKET", FailureCode(await ServiceValidateAsync("PT-whatever")));
        Assert.Equal("INVALID_TICKET", FailureCode(await ServiceValidateAsync("ST-x", appId: "5f00000000000000000000ff")));
        var json = JsonNode.Parse(await _host.Gql.Http.GetStringAsync($"/cas-idp/{_appId}/serviceValidate?ticket=ST-x&service=s&format=JSON"))!;
        Assert.Equal("INVALID_TICKET", json["serviceResponse"]!["authenticationFailure"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task TrackSessionAnswersTheBrowsersSsoSessionOrNull()
    {
        var email = NewEmail();
        var userId = await _host.RegisterAsync(email);
        var browser = await _host.SignedInBrowserAsync(email, _appId);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/cas/session");
        request.Headers.Add("x-authing-app-id", _appId);
        var body = JsonNode.Parse(await (await browser.Http.SendAsync(request)).Content.ReadAsStringAsync())!;
        Assert.Equal(userId, body["userInfo"]!["id"]!.GetValue<string>());
        Assert.Equal(userId, body["session"]!["cookie"]!["userId"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["session"]!["_id"]!.GetValue<string>()));
        Assert.Null(body["userInfo"]!["token"]);

        using var anonymous = new HttpRequestMessage(HttpMethod.Get, "/cas/session");
        anonymous.Headers.Add("x-authing-app-id", _appId);
        Assert.Equal("null", (await (await _host.NewBrowser().Http.SendAsync(anonymous)).Content.ReadAsStringAsync()).Trim());
    }
}

/// <summary>GenAuth:Cas:TicketLifetimeSeconds shortens the ticket's life.</summary>
public sealed class CasTicketLifetimeTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly OidcHost _host;

    public CasTicketLifetimeTests() => _host = new OidcHost(s => s.AddSingleton<TimeProvider>(_clock),
        new Dictionary<string, string?> { ["GenAuth:Cas:TicketLifetimeSeconds"] = "10" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ATicketPastTheConfiguredLifetimeIsInvalid()
    {
        var (appId, _) = await _host.CreateClientAsync(name: "CAS app");
        var email = $"cas{Guid.NewGuid():N}@example.com";
        await _host.RegisterAsync(email);
        var browser = await _host.SignedInBrowserAsync(email, appId);
        string Ticket(HttpResponseMessage r) => Browser.Query(r.Headers.Location!)["ticket"];
        var url = $"/cas-idp/{appId}?service={Uri.EscapeDataString(OidcHost.Callback)}";
        var late = Ticket(await browser.Http.GetAsync(url));
        _clock.Advance(TimeSpan.FromSeconds(11));
        var validate = $"/cas-idp/{appId}/validate?service={Uri.EscapeDataString(OidcHost.Callback)}&ticket=";
        Assert.Equal("no\n", await _host.Gql.Http.GetStringAsync(validate + Uri.EscapeDataString(late)));
        var onTime = Ticket(await browser.Http.GetAsync(url));
        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.StartsWith("yes\n", await _host.Gql.Http.GetStringAsync(validate + Uri.EscapeDataString(onTime)), StringComparison.Ordinal);
    }
}
