using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GenAuth.Core.Applications;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Management;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Applications;

/// <summary>
/// Issue 15: an app's registration agreements (REST, admin only, GenAuth codes for bad input) and their enforcement on
/// the hosted register form (a required one must be ticked: 2591; acceptances are recorded on the user). The SDK-level
/// tests are tests/sdk-compat/agreements.test.mjs; the browser/axe check is Pages/AgreementRegisterBrowserTests.
/// </summary>
public sealed partial class AgreementTests : ManagementTestBase
{
    private const string Missing = "5f00000000000000000fff03";

    private static JsonNode Data(JsonNode envelope)
    {
        Assert.True(envelope["code"]!.GetValue<int>() == 200, envelope.ToJsonString());
        return envelope["data"]!;
    }

    private static int RestCode(JsonNode envelope) => envelope["code"]!.GetValue<int>();

    private async Task<string> NewAppAsync(string? token = null) =>
        GraphQLClient.Success(await Client.PostAsync("mutation($n: String!) { createApplication(name: $n) { id } }",
            new { n = "agreements-" + Guid.NewGuid().ToString("N")[..8] }, token ?? Admin), "createApplication")["id"]!.GetValue<string>();

    private string Path(string appId, string rest = "") => $"/api/v2/applications/{appId}/agreements{rest}";

    [Fact]
    public async Task AnAdminCreatesListsChangesSortsAndDeletesAnAppsAgreements()
    {
        var app = await NewAppAsync();
        var terms = Data(await RestAsync(HttpMethod.Post, Path(app), new { title = "Terms <a href=\"https://example.com/t\">read</a>" }, Admin));
        Assert.True(terms["required"]!.GetValue<bool>()); // required by default, as the SDK documents
        Assert.Equal("zh-CN", terms["lang"]!.GetValue<string>());
        Assert.Equal(app, terms["appId"]!.GetValue<string>());
        Assert.Equal(App.UserPoolId, terms["userPoolId"]!.GetValue<string>());
        var privacy = Data(await RestAsync(HttpMethod.Post, Path(app), new { title = "Privacy", required = false, lang = "en-US" }, Admin));
        var (t, p) = (terms["id"]!.GetValue<long>(), privacy["id"]!.GetValue<long>());
        Assert.Equal(1, terms["order"]!.GetValue<int>());
        Assert.Equal(2, privacy["order"]!.GetValue<int>());

        var changed = Data(await RestAsync(HttpMethod.Put, Path(app, $"/{p}"), new { title = "Privacy policy" }, Admin));
        Assert.Equal("Privacy policy", changed["title"]!.GetValue<string>());
        Assert.False(changed["required"]!.GetValue<bool>()); // unchanged fields stay

        Data(await RestAsync(HttpMethod.Post, Path(app, "/sort"), new { ids = new[] { p, t } }, Admin));
        var list = Data(await RestAsync(HttpMethod.Get, Path(app), token: Admin));
        Assert.Equal(2, list["totalCount"]!.GetValue<int>());
        Assert.Equal([p, t], list["list"]!.AsArray().Select(a => a!["id"]!.GetValue<long>()).ToList());

        Data(await RestAsync(HttpMethod.Delete, Path(app, $"/{t}"), token: Admin));
        Assert.Equal(2590, RestCode(await RestAsync(HttpMethod.Delete, Path(app, $"/{t}"), token: Admin)));
        Assert.Equal(1, Data(await RestAsync(HttpMethod.Get, Path(app), token: Admin))["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task BadInputGetsAGenAuthCodeAndWritesNothing()
    {
        var app = await NewAppAsync();
        Assert.Equal(400, RestCode(await RestAsync(HttpMethod.Post, Path(app), new { required = true }, Admin)));
        Assert.Equal(400, RestCode(await RestAsync(HttpMethod.Post, Path(app), new { title = "  " }, Admin)));
        Assert.Equal(400, RestCode(await RestAsync(HttpMethod.Post, Path(app), new { title = 42 }, Admin)));
        Assert.Equal(400, RestCode(await RestAsync(HttpMethod.Post, Path(app),
            new { title = new string('x', AgreementService.MaxTitleLength + 1) }, Admin)));
        Assert.Equal(400, RestCode(await RestAsync(HttpMethod.Post, Path(app), new { title = "T", lang = "fr-FR" }, Admin)));
        Assert.Equal(0, Data(await RestAsync(HttpMethod.Get, Path(app), token: Admin))["totalCount"]!.GetValue<int>());

        var one = Data(await RestAsync(HttpMethod.Post, Path(app), new { title = "T" }, Admin))["id"]!.GetValue<long>();
        Assert.Equal(400, RestCode(await RestAsync(HttpMethod.Put, Path(app, $"/{one}"),
            new { title = new string('x', AgreementService.MaxTitleLength + 1) }, Admin)));
        Assert.Equal(2590, RestCode(await RestAsync(HttpMethod.Put, Path(app, "/999999"), new { title = "x" }, Admin)));
        Assert.Equal(2590, RestCode(await RestAsync(HttpMethod.Put, Path(app, "/abc"), new { title = "x" }, Admin)));
        // sort lists every agreement once; an id of another app is not one of them.
        Assert.Equal(400, RestCode(await RestAsync(HttpMethod.Post, Path(app, "/sort"), new { ids = new[] { one, one } }, Admin)));
        Assert.Equal(400, RestCode(await RestAsync(HttpMethod.Post, Path(app, "/sort"), new { ids = "1" }, Admin)));
        var other = await NewAppAsync();
        var foreign = Data(await RestAsync(HttpMethod.Post, Path(other), new { title = "Other" }, Admin))["id"]!.GetValue<long>();
        Assert.Equal(2590, RestCode(await RestAsync(HttpMethod.Post, Path(app, "/sort"), new { ids = new[] { foreign } }, Admin)));
        Assert.Equal(2590, RestCode(await RestAsync(HttpMethod.Delete, Path(app, $"/{foreign}"), token: Admin)));
        // An unknown app.
        Assert.Equal(2043, RestCode(await RestAsync(HttpMethod.Post, Path(Missing), new { title = "T" }, Admin)));
        Assert.Equal(2043, RestCode(await RestAsync(HttpMethod.Get, Path(Missing), token: Admin)));
    }

    [Fact]
    public async Task OnlyThePoolsAdminMayTouchItsAppsAgreements()
    {
        var app = await NewAppAsync();
        var id = Data(await RestAsync(HttpMethod.Post, Path(app), new { title = "T" }, Admin))["id"]!.GetValue<long>();
        var (_, user) = await Client.RegisterAndLoginAsync("agreement-outsider@example.com");
        var b = await App.CreatePoolAsync();
        var adminOfB = await Client.ManagementTokenAsync(b.Secret, b.Pool.Id);
        var clientOfB = App.CreateGraphQLClient(b.Pool.Id);
        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
                 {
                     (HttpMethod.Get, Path(app), null), (HttpMethod.Post, Path(app), new { title = "x" }),
                     (HttpMethod.Put, Path(app, $"/{id}"), new { title = "x" }), (HttpMethod.Delete, Path(app, $"/{id}"), null),
                     (HttpMethod.Post, Path(app, "/sort"), new { ids = new[] { id } }),
                 })
        {
            Assert.Equal(403, RestCode(await RestAsync(method, path, body, user)));
            Assert.Equal(2020, RestCode(await RestAsync(method, path, body)));
            // Another pool's admin, in its own pool: the app is not there.
            var request = clientOfB.NewRequest(method, path, adminOfB);
            if (body is not null)
                request.Content = System.Net.Http.Json.JsonContent.Create(body);
            using var response = await clientOfB.Http.SendAsync(request);
            Assert.Equal(2043, RestCode(await GraphQLClient.ReadJsonAsync(response)));
        }
        var after = Data(await RestAsync(HttpMethod.Get, Path(app), token: Admin));
        Assert.Equal("T", after["list"]![0]!["title"]!.GetValue<string>());
    }

    [Fact]
    public void TitlesRenderEscapedWithOnlyPlainHttpLinksKept()
    {
        Assert.Equal("I accept the <a href=\"https://example.com/terms\" target=\"_blank\" rel=\"noopener noreferrer\">terms</a>",
            AgreementService.TitleHtml("I accept the <a href=\"https://example.com/terms\">terms</a>"));
        var hostile = AgreementService.TitleHtml("<script>alert(1)</script><a href=\"javascript:alert(1)\">x</a>" +
                                                 "<a href=\"https://e.com/\" onclick=\"x()\">y</a><img src=x onerror=alert(1)>");
        Assert.DoesNotContain("<script", hostile, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", hostile, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<a href=\"javascript", hostile, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onclick=\"", hostile, StringComparison.Ordinal);
        // A URL with a quote or an ampersand in it is no plain link: it stays text.
        Assert.DoesNotContain("<a ", AgreementService.TitleHtml("<a href=\"https://e.com/?a=1&b=2\">x</a>"), StringComparison.Ordinal);
    }

    // ---------- the hosted register form ----------

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    private async Task<(string Html, string Token)> RegisterPageAsync(string app, string lang = "en-US")
    {
        using var response = await Client.Http.GetAsync($"/login?app_id={app}&tab=register&lang={lang}");
        var html = await response.Content.ReadAsStringAsync();
        return (html, System.Net.WebUtility.HtmlDecode(TokenPattern().Match(html).Groups[1].Value));
    }

    private async Task<(int Status, string Html)> PostRegisterAsync(string app, string token, string email, params long[] ticked)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("__RequestVerificationToken", token), new("app_id", app), new("return_url", "/u"),
            new("email", email), new("password", GraphQLClient.Password),
        };
        form.AddRange(ticked.Select(t => new KeyValuePair<string, string>("agreement", t.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        using var response = await Client.Http.PostAsync("/login/register", new FormUrlEncodedContent(form));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheHostedRegisterFormShowsTheAgreementsAndRefusesARegistrationWithoutTheRequiredOnes()
    {
        var app = await NewAppAsync();
        var required = Data(await RestAsync(HttpMethod.Post, Path(app),
            new { title = "I accept the <a href=\"https://example.com/terms\">terms</a><script>alert(1)</script>", lang = "en-US" }, Admin))["id"]!.GetValue<long>();
        var optional = Data(await RestAsync(HttpMethod.Post, Path(app), new { title = "Send me news", required = false, lang = "en-US" }, Admin))["id"]!.GetValue<long>();
        var chinese = Data(await RestAsync(HttpMethod.Post, Path(app), new { title = "中文协议", lang = "zh-CN" }, Admin))["id"]!.GetValue<long>();

        var (html, token) = await RegisterPageAsync(app);
        Assert.Contains($"name=\"agreement\" value=\"{required}\" required", html, StringComparison.Ordinal);
        Assert.Contains($"name=\"agreement\" value=\"{optional}\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"value=\"{chinese}\"", html, StringComparison.Ordinal); // another language's agreement
        Assert.Contains("<a href=\"https://example.com/terms\" target=\"_blank\" rel=\"noopener noreferrer\">terms</a>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);

        // Without the required agreement (the optional one ticked, and an id of nothing): refused, nothing written.
        var email = PagesEmail("agree-refused");
        var (status, refused) = await PostRegisterAsync(app, token, email, optional, 987654);
        Assert.Equal(400, status);
        Assert.Contains("You must accept the required agreements to register", refused, StringComparison.Ordinal);
        Assert.False(await App.QueryDbAsync(db => db.Users.AnyAsync(u => u.Email == email)));

        // With it: registered, and both acceptances recorded on the user (which agreement, when).
        (status, _) = await PostRegisterAsync(app, token, email, required, optional);
        Assert.True(status is 303 or 302 or 200, status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var accepted = await App.QueryDbAsync(db => db.AgreementAcceptances.Where(a => db.Users.Any(u => u.Id == a.UserId && u.Email == email))
            .OrderBy(a => a.AgreementId).ToListAsync());
        Assert.Equal([required, optional], accepted.Select(a => a.AgreementId).ToList());
        Assert.All(accepted, a => Assert.True(a.AcceptedAt > DateTime.UtcNow.AddMinutes(-5)));

        // The registration API takes no agreements (the SDK sends none): GenAuth checks them on its login box only.
        GraphQLClient.Success(await Client.RegisterByEmailAsync(PagesEmail("agree-api"), GraphQLClient.Password), "registerByEmail");
    }

    private static string PagesEmail(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)] + "@example.com";
}
