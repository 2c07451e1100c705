using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Pages;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GenAuth.Tests.Oidc;

/// <summary>
/// A real relying party: an ASP.NET Core app with Microsoft.AspNetCore.Authentication.OpenIdConnect on Kestrel
/// loopback, configured with nothing but the issuer URL and a confidential client. Chromium (Playwright) opens its
/// protected page, signs in on the hosted login page, lands back signed in, then logs out through /oidc/session/end.
/// </summary>
[Collection(PagesCollection.Name)]
public sealed class AspNetCoreRpBrowserTests(PagesBrowser b)
{
    /// <summary>The client settings, filled in once the RP knows its own address (options are read on first use).</summary>
    private sealed class Registration
    {
        public string ClientId { get; set; } = "";
        public string ClientSecret { get; set; } = "";
    }

    private static async Task<(WebApplication App, string BaseUrl)> StartRelyingPartyAsync(string authority, Registration registration)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAuthorization();
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(o => o.Cookie.Name = "rp_auth")
            .AddOpenIdConnect(_ => { });
        builder.Services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme).Configure(o =>
        {
            // Only the issuer: endpoints and keys come from discovery.
            o.Authority = authority;
            o.RequireHttpsMetadata = false;
            o.ClientId = registration.ClientId;
            o.ClientSecret = registration.ClientSecret;
            o.ResponseType = "code";
            o.UsePkce = true;
            o.SaveTokens = true;
            o.MapInboundClaims = false;
            o.GetClaimsFromUserInfoEndpoint = true;
            o.Scope.Add("email");
            // Plain-HTTP loopback: the RP's correlation and nonce cookies can't be SameSite=None (needs Secure).
            // Server and RP are same-site (127.0.0.1), so Lax still travels with the form_post callback.
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/", (HttpContext c) => Results.Json(new
        {
            sub = c.User.FindFirst("sub")?.Value,
            email = c.User.FindFirst("email")?.Value,
        })).RequireAuthorization();
        app.MapGet("/logout", async (HttpContext c) =>
        {
            await c.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            await c.SignOutAsync(OpenIdConnectDefaults.AuthenticationScheme, new AuthenticationProperties { RedirectUri = "/signed-out" });
        });
        app.MapGet("/signed-out", () => "signed out");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return (app, address.TrimEnd('/'));
    }

    [Fact]
    public async Task Aspnetcore_openidconnect_signs_in_through_the_hosted_page_and_logout_ends_the_sso_session()
    {
        var registration = new Registration();
        var (rp, rpUrl) = await StartRelyingPartyAsync(b.BaseUrl + "/oidc", registration);
        await using var _ = rp;

        var admin = await b.Gql.ManagementTokenAsync(b.App.Secret);
        var created = GraphQLClient.Success(await b.Gql.PostAsync(
            "mutation($r: [String!], $l: [String!]) { createApplication(name: \"ASP.NET RP\", redirectUris: $r, postLogoutRedirectUris: $l, tokenEndpointAuthMethod: \"client_secret_post\") { id secret } }",
            new { r = new[] { rpUrl + "/signin-oidc" }, l = new[] { rpUrl + "/signout-callback-oidc" } }, admin), "createApplication");
        registration.ClientId = created["id"]!.GetValue<string>();
        registration.ClientSecret = created["secret"]!.GetValue<string>();
        var email = PagesBrowser.NewEmail("aspnet");
        var userId = GraphQLClient.Success(await b.Gql.RegisterByEmailAsync(email), "registerByEmail")["id"]!.GetValue<string>();

        var (context, page) = await b.NewPageAsync();
        await using var __ = context;

        // The protected page challenges: /oidc/auth → hosted login page of this app.
        await page.GotoAsync(rpUrl + "/");
        var login = new Uri(page.Url);
        Assert.Equal(b.BaseUrl, login.GetLeftPart(UriPartial.Authority));
        Assert.Equal("/login", login.AbsolutePath);
        Assert.Equal(registration.ClientId, Browser.Query(login)["app_id"]);
        await page.ScreenshotAsync(new() { Path = Path.Combine(PagesBrowser.Screenshots, "aspnet-rp-login.png"), FullPage = true });
        await page.FillAsync("form#password-login input[name=account]", email);
        await page.FillAsync("form#password-login input[name=password]", GraphQLClient.Password);
        await page.ClickAsync("form#password-login button[type=submit]");

        // Code → token exchange (client_secret_post, PKCE), id token validated against JWKS, userinfo: back signed in.
        await PagesBrowser.AtUrlAsync(page, u => u == rpUrl + "/");
        var claims = JsonNode.Parse(await page.InnerTextAsync("body"))!;
        Assert.Equal(userId, claims["sub"]!.GetValue<string>());
        Assert.Equal(email, claims["email"]!.GetValue<string>());

        // RP-initiated logout: /oidc/session/end with id_token_hint, back to the registered post-logout URI.
        await page.GotoAsync(rpUrl + "/logout");
        await PagesBrowser.AtUrlAsync(page, u => u == rpUrl + "/signed-out");
        Assert.DoesNotContain(await context.CookiesAsync([b.BaseUrl]), c => c.Name.StartsWith("ga_sso_", StringComparison.Ordinal));

        // The SSO session is over: a new authorization asks to log in again instead of answering with a code.
        await page.GotoAsync(rpUrl + "/");
        var again = new Uri(page.Url);
        Assert.Equal(b.BaseUrl, again.GetLeftPart(UriPartial.Authority));
        Assert.Equal("/login", again.AbsolutePath);
        // And the sessions opened for this app (the login page's and the one the tokens name) are revoked on the server.
        var clientId = registration.ClientId;
        var sessions = await b.App.QueryDbAsync(db => Task.FromResult(db.Sessions.Where(s => s.UserId == userId && s.AppId == clientId).ToList()));
        Assert.NotEmpty(sessions);
        Assert.All(sessions, s => Assert.NotNull(s.RevokedAt));
    }
}
