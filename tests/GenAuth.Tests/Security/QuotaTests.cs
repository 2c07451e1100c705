using System.Net.Http.Json;
using System.Text.Json;
using GenAuth.Core.Security;
using GenAuth.Tests.Codes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PhoneNumbers;

namespace GenAuth.Tests.Security;

/// <summary>A captcha service stand-in: accepts only "good-token", and remembers what it was asked.</summary>
public sealed class TestCaptcha : ICaptchaVerifier
{
    public bool Enabled { get; set; }
    public List<(string Action, string? Token, string? Ip)> Asked { get; } = [];

    public bool IsConfigured => Enabled;

    public ValueTask<bool> VerifyAsync(string action, string? token, string? ip, CancellationToken ct)
    {
        lock (Asked)
            Asked.Add((action, token, ip));
        return ValueTask.FromResult(token == "good-token");
    }
}

/// <summary>The code-sending server with GenAuth:Quotas at their real defaults (or the given ones) and a captcha stand-in.</summary>
public sealed class QuotaServer(IReadOnlyDictionary<string, string?>? settings = null) : CodesServer
{
    public TestCaptcha Captcha { get; } = new();

    protected override bool RoomyQuotas => false;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            builder.UseSetting(key, value);
        builder.ConfigureServices(s =>
        {
            s.RemoveAll<ICaptchaVerifier>();
            s.AddSingleton<ICaptchaVerifier>(Captcha);
        });
    }

    public async Task<JsonElement> PostAsync(object body, string? token = null, string? captcha = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql/v2") { Content = JsonContent.Create(body) };
        request.Headers.Add("x-authing-userpool-id", PoolId);
        request.Headers.Add("x-authing-lang", "en-US");
        if (token is not null)
            request.Headers.Authorization = new("Bearer", token);
        if (captcha is not null)
            request.Headers.Add("x-captcha-token", captcha);
        using var response = await Http.SendAsync(request);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public Task<JsonElement> AskAsync(string query, object? variables, string? token = null, string? captcha = null) =>
        PostAsync(new { query, variables }, token, captcha);
}

/// <summary>Issue 10, holes 4, 5 and 8: send quotas, SMS countries, captcha, registration limits, enumeration.</summary>
public sealed class QuotaTests
{
    private const string SendSms = "mutation($p: String!, $s: String) { sendSmsCode(phone: $p, scene: $s) { code message } }";
    private const string SendEmail = "mutation($e: String!, $s: EmailScene!) { sendEmail(email: $e, scene: $s) { code message } }";
    private const string Register = "mutation($e: String!) { registerByEmail(input: { email: $e, password: \"Correct-Horse-91\" }) { id } }";
    private const string Exists = "query($e: String) { isUserExists(email: $e) }";
    private const string UpdatePool = "mutation($i: UpdateUserpoolInput!) { updateUserpool(input: $i) { smsCountries frequentRegisterCheck { enabled limit timeInterval } } }";

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    private static string Number(int i) => $"1380013{i:D4}";

    private static string Message(JsonElement result) => result.GetProperty("errors")[0].GetProperty("message").GetString()!;

    [Fact]
    public async Task One_IP_gets_at_most_ten_SMS_codes_an_hour_even_in_one_batched_request()
    {
        using var server = new QuotaServer();
        // The pumping request of the issue: one HTTP request, a batch of sends to different numbers. The per-request
        // limit lets one run and refuses the others before they run (4009).
        var batch = Enumerable.Range(0, 15).Select(i => new { query = SendSms, variables = new { p = Number(i) } }).ToArray();
        var answers = (await server.PostAsync(batch)).EnumerateArray().ToList();
        Assert.Equal(1, answers.Count(a => a.Code() == 200));
        Assert.Equal(14, answers.Count(a => a.Code() == 4009));

        // Request after request, the IP's hourly quota stops it at ten.
        var singles = new List<JsonElement>();
        for (var i = 1; i < 15; i++)
            singles.Add(await server.AskAsync(SendSms, new { p = Number(i) }));
        Assert.Equal(9, singles.Count(a => a.Code() == 200));
        Assert.Equal(5, singles.Count(a => a.Code() == 2060));
        Assert.All(singles.Where(a => a.Code() == 2060), a => Assert.Equal("Too many codes were sent, try again later", Message(a)));
        Assert.Equal(10, server.Sms!.Received.Count);

        // Email has its own quota, so the SMS flood doesn't lock users out of mail codes.
        Assert.Equal(200, (await server.AskAsync(SendEmail, new { e = GqlResult.Email("q"), s = "VERIFY_CODE" })).Code());

        // A sliding hour later the IP may send again.
        server.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(200, (await server.AskAsync(SendSms, new { p = Number(99) })).Code());
        Assert.Equal(11, server.Sms.Received.Count);
    }

    [Fact]
    public async Task Per_pool_and_global_send_quotas_hold_across_IPs_settings()
    {
        using var server = new QuotaServer(new Dictionary<string, string?>
        {
            ["GenAuth:Quotas:Email:PerPoolPerHour"] = "3",
        });
        for (var i = 0; i < 3; i++)
            Assert.Equal(200, (await server.AskAsync(SendEmail, new { e = GqlResult.Email("p" + i), s = "VERIFY_CODE" })).Code());
        var refused = await server.AskAsync(SendEmail, new { e = GqlResult.Email("p4"), s = "VERIFY_CODE" });
        Assert.Equal(2060, refused.Code());
        Assert.Equal(3, server.Smtp!.Received.Count);
    }

    [Fact]
    public async Task SMS_go_only_to_the_pools_countries_and_premium_ranges_only_when_named()
    {
        using var server = new QuotaServer();
        var admin = await server.AdminTokenAsync();
        var satellite = Util.Format(Util.GetExampleNumberForNonGeoEntity(881), PhoneNumberFormat.E164);
        var comoros = Util.Format(Util.GetExampleNumberForType("KM", PhoneNumberType.MOBILE), PhoneNumberFormat.E164);
        var us = Util.Format(Util.GetExampleNumberForType("US", PhoneNumberType.MOBILE), PhoneNumberFormat.E164);
        Assert.StartsWith("+881", satellite);
        Assert.StartsWith("+269", comoros);

        // Default: the server's +86 only.
        Assert.Equal(2093, (await server.AskAsync(SendSms, new { p = us })).Code());
        Assert.Equal(2093, (await server.AskAsync(SendSms, new { p = satellite })).Code());
        Assert.Equal(200, (await server.AskAsync(SendSms, new { p = Number(1) })).Code());

        var any = await server.AskAsync(UpdatePool, new { i = new { smsCountries = new[] { "*" } } }, admin);
        Assert.Equal("*", any.Data("updateUserpool").GetProperty("smsCountries")[0].GetString());
        Assert.Equal(200, (await server.AskAsync(SendSms, new { p = us })).Code());
        Assert.Equal(2093, (await server.AskAsync(SendSms, new { p = satellite })).Code());
        Assert.Equal(2093, (await server.AskAsync(SendSms, new { p = comoros })).Code());

        await server.AskAsync(UpdatePool, new { i = new { smsCountries = new[] { "*", "881" } } }, admin);
        Assert.Equal(200, (await server.AskAsync(SendSms, new { p = satellite })).Code());

        Assert.Equal(400, (await server.AskAsync(UpdatePool, new { i = new { smsCountries = new[] { "abc" } } }, admin)).Code());
        var reset = await server.AskAsync(UpdatePool, new { i = new { smsCountries = Array.Empty<string>() } }, admin);
        Assert.Equal("+86", reset.Data("updateUserpool").GetProperty("smsCountries")[0].GetString());
        server.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(2093, (await server.AskAsync(SendSms, new { p = us })).Code());

        // Refused countries never reached the gateway.
        Assert.Equal(3, server.Sms!.Received.Count);
        Assert.DoesNotContain(server.Sms.Received, r => r.Body.Contains(comoros));
    }

    [Fact]
    public async Task From_the_soft_threshold_on_a_send_needs_a_valid_captcha()
    {
        using var server = new QuotaServer();
        server.Captcha.Enabled = true;
        // Half of the ten per IP and hour go without a captcha.
        for (var i = 0; i < 5; i++)
            Assert.Equal(200, (await server.AskAsync(SendSms, new { p = Number(i) })).Code());
        Assert.Empty(server.Captcha.Asked);

        var missing = await server.AskAsync(SendSms, new { p = Number(5) });
        Assert.Equal(2091, missing.Code());
        var wrong = await server.AskAsync(SendSms, new { p = Number(5) }, captcha: "bad-token");
        Assert.Equal(2091, wrong.Code());
        Assert.Equal("The captcha answer was not accepted, try again", Message(wrong));
        Assert.Equal(5, server.Sms!.Received.Count);

        Assert.Equal(200, (await server.AskAsync(SendSms, new { p = Number(5) }, captcha: "good-token")).Code());
        Assert.Equal(6, server.Sms.Received.Count);
        Assert.Contains(server.Captcha.Asked, a => a is ("send-sms", "good-token", "127.0.0.1"));
    }

    [Fact]
    public async Task Reset_sends_answer_alike_for_known_and_unknown_targets_even_the_second_time()
    {
        using var server = new QuotaServer();
        var known = GqlResult.Email("known");
        var unknown = GqlResult.Email("unknown");
        Assert.Equal(200, (await server.AskAsync(Register, new { e = known })).Code());
        var registrationMails = server.Smtp!.MessagesTo(known).Count;

        var firstKnown = await server.AskAsync(SendEmail, new { e = known, s = "RESET_PASSWORD" });
        var firstUnknown = await server.AskAsync(SendEmail, new { e = unknown, s = "RESET_PASSWORD" });
        Assert.Equal(200, firstKnown.Code());
        Assert.Equal(firstKnown.ToString(), firstUnknown.ToString());
        var secondKnown = await server.AskAsync(SendEmail, new { e = known, s = "RESET_PASSWORD" });
        var secondUnknown = await server.AskAsync(SendEmail, new { e = unknown, s = "RESET_PASSWORD" });
        Assert.Equal(2060, secondKnown.Code());
        Assert.Equal(secondKnown.ToString(), secondUnknown.ToString());
        // Only the account got a mail.
        Assert.Equal(registrationMails + 1, server.Smtp.MessagesTo(known).Count);
        Assert.Empty(server.Smtp.MessagesTo(unknown));

        // SMS reset: an unknown number answers like any number (sent, then 2060) and gets no SMS.
        var phone = Number(42);
        var sms1 = await server.AskAsync(SendSms, new { p = phone, s = "reset" });
        var sms2 = await server.AskAsync(SendSms, new { p = phone, s = "reset" });
        Assert.Equal(200, sms1.Code());
        Assert.Equal(2060, sms2.Code());
        Assert.Empty(server.Sms!.Received);
    }

    [Fact]
    public async Task Registering_a_known_email_does_the_same_hash_work_before_answering_2026()
    {
        using var server = new QuotaServer();
        var executor = server.Services.GetRequiredService<PasswordHasher>().Executor;
        var email = GqlResult.Email("dup");

        var before = executor.Runs(HashLane.NewPassword);
        Assert.Equal(200, (await server.AskAsync(Register, new { e = email })).Code());
        var afterNew = executor.Runs(HashLane.NewPassword);
        var duplicate = await server.AskAsync(Register, new { e = email });
        var afterKnown = executor.Runs(HashLane.NewPassword);

        Assert.Equal(2026, duplicate.Code());
        Assert.Equal(1, afterNew - before);
        Assert.Equal(1, afterKnown - afterNew);
    }

    [Fact]
    public async Task Registrations_are_limited_per_IP_settings()
    {
        using var server = new QuotaServer(new Dictionary<string, string?> { ["GenAuth:Quotas:Registration:PerIpPerHour"] = "3" });
        for (var i = 0; i < 3; i++)
            Assert.Equal(200, (await server.AskAsync(Register, new { e = GqlResult.Email("r" + i) })).Code());
        var email = GqlResult.Email("r4");
        var refused = await server.AskAsync(Register, new { e = email });
        Assert.Equal(2092, refused.Code());
        Assert.Equal(0, await CountUsersAsync(server, email));
    }

    [Fact]
    public async Task FrequentRegisterCheck_is_stored_and_enforced_per_IP_in_its_window()
    {
        using var server = new QuotaServer();
        var admin = await server.AdminTokenAsync();
        var set = await server.AskAsync(UpdatePool, new { i = new { frequentRegisterCheck = new { enabled = true, limit = 2, timeInterval = 60 } } }, admin);
        var check = set.Data("updateUserpool").GetProperty("frequentRegisterCheck");
        Assert.True(check.GetProperty("enabled").GetBoolean());
        Assert.Equal(2, check.GetProperty("limit").GetInt32());
        Assert.Equal(60, check.GetProperty("timeInterval").GetInt32());

        Assert.Equal(200, (await server.AskAsync(Register, new { e = GqlResult.Email("f1") })).Code());
        Assert.Equal(200, (await server.AskAsync(Register, new { e = GqlResult.Email("f2") })).Code());
        Assert.Equal(2092, (await server.AskAsync(Register, new { e = GqlResult.Email("f3") })).Code());
        server.Clock.Advance(TimeSpan.FromSeconds(121));
        Assert.Equal(200, (await server.AskAsync(Register, new { e = GqlResult.Email("f4") })).Code());

        Assert.Equal(400, (await server.AskAsync(UpdatePool, new { i = new { frequentRegisterCheck = new { limit = 0 } } }, admin)).Code());
        Assert.Equal(400, (await server.AskAsync(UpdatePool, new { i = new { frequentRegisterCheck = new { timeInterval = 100_000 } } }, admin)).Code());
    }

    [Fact]
    public async Task A_custom_SMS_provider_is_refused_rather_than_silently_ignored()
    {
        using var server = new QuotaServer();
        var admin = await server.AdminTokenAsync();
        var on = await server.AskAsync(UpdatePool, new { i = new { customSMSProvider = new { enabled = true, provider = "aliyun", config = "{}" } } }, admin);
        Assert.Equal(2095, on.Code());
        var off = await server.AskAsync(UpdatePool, new { i = new { customSMSProvider = new { enabled = false } } }, admin);
        Assert.Equal(200, off.Code());
    }

    [Fact]
    public async Task IsUserExists_is_throttled_per_IP_alike_for_known_and_unknown_accounts()
    {
        using var server = new QuotaServer();
        var known = GqlResult.Email("exists");
        Assert.Equal(200, (await server.AskAsync(Register, new { e = known })).Code());
        for (var i = 0; i < 30; i++)
            Assert.Equal(i % 2 == 0, (await server.AskAsync(Exists, new { e = i % 2 == 0 ? known : GqlResult.Email("n") })).Data("isUserExists").GetBoolean());

        var knownRefused = await server.AskAsync(Exists, new { e = known });
        var unknownRefused = await server.AskAsync(Exists, new { e = "nobody@example.com" });
        Assert.Equal(2094, knownRefused.Code());
        Assert.Equal(knownRefused.ToString(), unknownRefused.ToString());

        // An administrator isn't throttled; the IP may ask again a minute later.
        var admin = await server.AdminTokenAsync();
        Assert.True((await server.AskAsync(Exists, new { e = known }, admin)).Data("isUserExists").GetBoolean());
        server.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.True((await server.AskAsync(Exists, new { e = known })).Data("isUserExists").GetBoolean());
    }

    private static async Task<int> CountUsersAsync(QuotaServer server, string email)
    {
        var count = 0;
        await server.WithDbAsync(async db => count = await db.Users.CountAsync(u => u.Email == email));
        return count;
    }
}
