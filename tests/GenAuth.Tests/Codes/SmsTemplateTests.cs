using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Codes;

/// <summary>GenAuth:Sms:Http:BodyTemplate: every placeholder is filled, JSON-escaped, in the body the gateway receives.</summary>
public sealed class SmsTemplateTests : IDisposable
{
    private readonly SmsGateway _gateway = new();
    private readonly GenAuthApp _app;
    private readonly GraphQLClient _client;

    public SmsTemplateTests()
    {
        _app = new GenAuthApp(settings: new Dictionary<string, string?>
        {
            ["GenAuth:Sms:Http:Url"] = _gateway.Url,
            ["GenAuth:Sms:Http:Method"] = "PUT",
            // The UK number below: SMS go only to allowed countries (+86 unless configured).
            ["GenAuth:Quotas:SmsCountries"] = "+86,+44",
            ["GenAuth:Sms:Http:Headers:X-Api-Key"] = "gateway-key",
            ["GenAuth:Sms:Http:BodyTemplate"] =
                """{"phone":"{{phone}}","cc":"{{countryCode}}","national":"{{nationalNumber}}","code":"{{code}}","text":"{{text}}","scene":"{{scene}}"}""",
        });
        _client = _app.CreateGraphQLClient();
    }

    public void Dispose()
    {
        _app.Dispose();
        _gateway.Dispose();
    }

    private async Task<JsonNode> SendAsync(string phone, string? countryCode, string? scene)
    {
        var result = await _client.PostAsync("mutation($p: String!, $c: String, $s: String) { sendSmsCode(phone: $p, phoneCountryCode: $c, scene: $s) { code } }",
            new { p = phone, c = countryCode, s = scene }, headers: new Dictionary<string, string> { ["x-authing-lang"] = "en-US" });
        Assert.Equal(200, GraphQLClient.Success(result, "sendSmsCode")["code"]!.GetValue<int>());
        return JsonNode.Parse(_gateway.Received.Last().Body)!;
    }

    [Fact]
    public async Task EveryPlaceholderIsFilled()
    {
        var body = await SendAsync("13812345678", null, "login");

        Assert.Equal("+8613812345678", body["phone"]!.GetValue<string>());
        Assert.Equal("+86", body["cc"]!.GetValue<string>());
        Assert.Equal("13812345678", body["national"]!.GetValue<string>());
        var code = body["code"]!.GetValue<string>();
        Assert.Matches(@"^\d{6}$", code);
        Assert.Contains(code, body["text"]!.GetValue<string>());
        Assert.Equal("login", body["scene"]!.GetValue<string>());
        Assert.DoesNotContain("{{", _gateway.Received.Last().Body);
        Assert.Equal("gateway-key", _gateway.Received.Last().ApiKey);
        Assert.Equal("PUT", _gateway.Received.Last().Method);

        // The code works for the flow it was sent for.
        var login = await _client.PostAsync("mutation($i: LoginByPhoneCodeInput!) { loginByPhoneCode(input: $i) { phone } }",
            new { i = new { phone = "13812345678", code } });
        Assert.Equal("13812345678", GraphQLClient.Success(login, "loginByPhoneCode")["phone"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnotherCountrysNumberIsSplitIntoItsParts()
    {
        var body = await SendAsync("7911123456", "+44", null);

        Assert.Equal("+447911123456", body["phone"]!.GetValue<string>());
        Assert.Equal("+44", body["cc"]!.GetValue<string>());
        Assert.Equal("7911123456", body["national"]!.GetValue<string>());
        Assert.Equal("any", body["scene"]!.GetValue<string>());
    }
}
