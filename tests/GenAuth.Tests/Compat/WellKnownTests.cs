using System.Security.Cryptography;
using System.Text;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Compat;

/// <summary>
/// The SDK's password transport: GET /api/v2/.well-known gives the pool's RSA public key (PEM); password fields
/// arrive RSA-encrypted (PKCS#1 v1.5, base64) and the server decrypts them.
/// </summary>
public sealed class WellKnownTests : IDisposable
{
    private readonly GenAuthApp _app = new();
    private readonly GraphQLClient _client;

    public WellKnownTests() => _client = _app.CreateGraphQLClient();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task WellKnownReturnsThePoolsRsaPublicKeyAsPem()
    {
        var pem = await PublicKeyAsync(_app, _app.UserPoolId);

        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", pem);
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        Assert.True(rsa.KeySize >= 2048);
    }

    [Fact]
    public async Task WellKnownWithoutAPoolServesTheDefaultPoolsKey()
    {
        using var http = _app.CreateClient();
        using var anonymous = await http.GetAsync("/api/v2/.well-known");
        using var named = await http.SendAsync(_app.CreateGraphQLClient().NewRequest(HttpMethod.Get, "/api/v2/.well-known"));

        var body = await GraphQLClient.ReadJsonAsync(anonymous);
        Assert.Equal(200, body["code"]!.GetValue<int>());
        Assert.Equal((await GraphQLClient.ReadJsonAsync(named))["data"]!["publicKey"]!.GetValue<string>(),
            body["data"]!["publicKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task WellKnownForAnUnknownPoolIsAnError()
    {
        using var http = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/.well-known");
        request.Headers.Add("x-authing-userpool-id", "5f00000000000000000000ff");
        using var response = await http.SendAsync(request);

        var body = await GraphQLClient.ReadJsonAsync(response);
        Assert.Equal(2042, body["code"]!.GetValue<int>());
        Assert.Null(body["data"]);
    }

    [Fact]
    public async Task EncryptedPasswordsRegisterAndLogIn()
    {
        var pem = await PublicKeyAsync(_app, _app.UserPoolId);

        var registered = await _client.RegisterByEmailAsync("enc@example.com", Encrypt(pem, GraphQLClient.Password));
        var encryptedLogin = await _client.LoginByEmailAsync("enc@example.com", Encrypt(pem, GraphQLClient.Password));
        var plainLogin = await _client.LoginByEmailAsync("enc@example.com", GraphQLClient.Password);

        GraphQLClient.Success(registered, "registerByEmail");
        GraphQLClient.Success(encryptedLogin, "loginByEmail");
        GraphQLClient.Success(plainLogin, "loginByEmail");
    }

    [Fact]
    public async Task EncryptedWrongPasswordReturns2333()
    {
        var pem = await PublicKeyAsync(_app, _app.UserPoolId);
        GraphQLClient.Success(await _client.RegisterByEmailAsync("encwrong@example.com"), "registerByEmail");

        var result = await _client.LoginByEmailAsync("encwrong@example.com", Encrypt(pem, "Not-The-Password-1"));

        Assert.Equal(2333, GraphQLClient.ErrorCode(result));
    }

    [Fact]
    public async Task CiphertextForAnotherKeyIsAWrongPasswordNotAServerError()
    {
        GraphQLClient.Success(await _client.RegisterByEmailAsync("otherkey@example.com"), "registerByEmail");
        using var stranger = RSA.Create(2048);
        var foreign = Convert.ToBase64String(stranger.Encrypt(Encoding.UTF8.GetBytes(GraphQLClient.Password), RSAEncryptionPadding.Pkcs1));

        var result = await _client.LoginByEmailAsync("otherkey@example.com", foreign);

        Assert.Equal(2333, GraphQLClient.ErrorCode(result));
    }

    [Fact]
    public async Task EncryptedPasswordsChangeThePassword()
    {
        var pem = await PublicKeyAsync(_app, _app.UserPoolId);
        var (_, token) = await _client.RegisterAndLoginAsync("encchange@example.com");

        var result = await _client.PostAsync(
            "mutation($n: String!, $o: String) { updatePassword(newPassword: $n, oldPassword: $o) { id } }",
            new { n = Encrypt(pem, "Battery-Staple-37"), o = Encrypt(pem, GraphQLClient.Password) }, token);

        GraphQLClient.Success(result, "updatePassword");
        GraphQLClient.Success(await _client.LoginByEmailAsync("encchange@example.com", "Battery-Staple-37"), "loginByEmail");
    }

    /// <summary>What the SDK does: JSEncrypt with the PEM, PKCS#1 v1.5 padding, base64.</summary>
    public static string Encrypt(string pem, string password)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return Convert.ToBase64String(rsa.Encrypt(Encoding.UTF8.GetBytes(password), RSAEncryptionPadding.Pkcs1));
    }

    public static async Task<string> PublicKeyAsync(GenAuthApp app, string userPoolId)
    {
        using var http = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/.well-known");
        request.Headers.Add("x-authing-userpool-id", userPoolId);
        using var response = await http.SendAsync(request);
        var body = await GraphQLClient.ReadJsonAsync(response);
        Assert.Equal(200, body["code"]!.GetValue<int>());
        return body["data"]!["publicKey"]!.GetValue<string>();
    }
}
