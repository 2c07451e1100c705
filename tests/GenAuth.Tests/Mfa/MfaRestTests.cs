using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Mfa;

/// <summary>The REST paths of the SDK's MfaAuthenticationClient, over the same services as GraphQL.</summary>
public sealed class MfaRestTests : IDisposable
{
    private readonly MfaHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task AssociateAndConfirmEnrolTotpThenVerifyAndRecoveryCompleteLogins()
    {
        var (_, token) = await _h.Client.RegisterAndLoginAsync("rest@example.com");
        var association = Data(await SendAsync(HttpMethod.Post, "/api/v2/mfa/totp/associate", token, new { authenticator_type = "totp", source = "SELF" }));
        var secret = Rfc6238.SecretOf(association["qrcode_uri"]!.GetValue<string>());
        Assert.Equal(Rfc6238.Base32Decode(association["secret"]!.GetValue<string>()), secret);
        Data(await SendAsync(HttpMethod.Post, "/api/v2/mfa/totp/associate/confirm", token,
            new { authenticator_type = "totp", totp = Rfc6238.Code(secret, _h.Now), source = "SELF" }));
        var authenticators = Data(await SendAsync(HttpMethod.Get, "/api/v2/mfa/authenticator?type=totp&source=SELF", token));
        Assert.Equal("totp", authenticators[0]!["authenticatorType"]!.GetValue<string>());
        Assert.Null(authenticators[0]!["secret"]);

        _h.Clock.Advance(TimeSpan.FromSeconds(30));
        var user = Data(await SendAsync(HttpMethod.Post, "/api/v2/mfa/totp/verify", await _h.MfaTokenAsync("rest@example.com"),
            new { totp = Rfc6238.Code(secret, _h.Now) }));
        var recovered = Data(await SendAsync(HttpMethod.Post, "/api/v2/mfa/totp/recovery", await _h.MfaTokenAsync("rest@example.com"),
            new { recoveryCode = association["recovery_code"]!.GetValue<string>() }));

        Assert.Equal("rest@example.com", user["email"]!.GetValue<string>());
        Assert.Equal(3, user["token"]!.GetValue<string>().Split('.').Length);
        Assert.NotEqual(association["recovery_code"]!.GetValue<string>(), recovered["recoveryCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task RestFailuresUseTheEnvelopeWithTheGenAuthCode()
    {
        var (_, secret, _, _) = await _h.EnrollOtpAsync("rest-fail@example.com");
        var mfaToken = await _h.MfaTokenAsync("rest-fail@example.com");

        var wrong = await SendAsync(HttpMethod.Post, "/api/v2/mfa/totp/verify", mfaToken, new { totp = MfaHarness.WrongCode(secret, _h.Now) });
        var noToken = await SendAsync(HttpMethod.Post, "/api/v2/mfa/totp/verify", null, new { totp = "123456" });

        Assert.Equal(1637, wrong["code"]!.GetValue<int>());
        Assert.Equal(1636, noToken["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task PhoneOrEmailBindableSaysWhetherAnotherUserHasIt()
    {
        var (takenId, _) = await _h.Client.RegisterAndLoginAsync("taken@example.com");
        var admin = await _h.Client.ManagementTokenAsync(_h.App.Secret);
        GraphQLClient.Success(await _h.Client.PostAsync(Ops.UpdateUser, new { id = takenId, input = new { phone = "13700000077" } }, admin), "updateUser");
        await _h.EnrollOtpAsync("bind@example.com");
        var mfaToken = await _h.MfaTokenAsync("bind@example.com");

        async Task<bool> Bindable(object body) =>
            Data(await SendAsync(HttpMethod.Post, "/api/v2/applications/mfa/check", mfaToken, body)).GetValue<bool>();

        Assert.False(await Bindable(new { email = "taken@example.com" }));
        Assert.True(await Bindable(new { email = "free@example.com" }));
        Assert.False(await Bindable(new { phone = "13700000077" }));
        Assert.False(await Bindable(new { phone = "+8613700000077" }));
        Assert.True(await Bindable(new { phone = "13700000078" }));
    }

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, string? bearer, object? body = null)
    {
        using var request = _h.Client.NewRequest(method, path, bearer);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        using var response = await _h.Client.Http.SendAsync(request);
        return await GraphQLClient.ReadJsonAsync(response);
    }

    private static JsonNode Data(JsonNode envelope)
    {
        Assert.True(envelope["code"]!.GetValue<int>() == 200, envelope.ToJsonString());
        return envelope["data"]!;
    }
}
