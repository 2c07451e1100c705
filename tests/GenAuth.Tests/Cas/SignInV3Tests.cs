using System.Net;
using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Management;

namespace GenAuth.Tests.Cas;

/// <summary>
/// Issue 15: POST /api/v3/signin (the SDK's signinByCredentials) is the v2 password and code ways in under GenAuth's v3
/// envelope — same pipeline, same throttle, same enumeration-proof answers — and face MFA answers 2651.
/// </summary>
public sealed class SignInV3Tests : ManagementTestBase
{
    private Task<JsonNode> SignInAsync(object body) =>
        RestAsync(HttpMethod.Post, "/api/v3/signin", body, headers: new Dictionary<string, string> { ["x-authing-app-id"] = App.AppId });

    private static object ByEmail(string email, string password = GraphQLClient.Password) =>
        new { connection = "PASSWORD", passwordPayload = new { email, password }, options = new { } };

    [Fact]
    public async Task APasswordSignInAnswersTheV3ShapeWithAWorkingToken()
    {
        var (id, _) = await Client.RegisterAndLoginAsync("v3@example.com");
        var answer = await SignInAsync(ByEmail("v3@example.com"));
        Assert.Equal(200, answer["statusCode"]!.GetValue<int>());
        var data = answer["data"]!;
        Assert.Equal("Bearer", data["token_type"]!.GetValue<string>());
        Assert.True(data["expire_in"]!.GetValue<long>() > 0);
        var token = data["access_token"]!.GetValue<string>();
        Assert.Equal(token, data["id_token"]!.GetValue<string>());
        var me = await Client.PostAsync("query { user { id } }", token: token);
        Assert.Equal(id, GraphQLClient.Success(me, "user")["id"]!.GetValue<string>());

        var byAccount = await SignInAsync(new { connection = "PASSWORD", passwordPayload = new { account = "v3@example.com", password = GraphQLClient.Password } });
        Assert.Equal(200, byAccount["statusCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task AnUnknownAccountAndAWrongPasswordAnswerAlike()
    {
        await Client.RegisterAndLoginAsync("v3-enum@example.com");
        var wrong = await SignInAsync(ByEmail("v3-enum@example.com", "Wrong-password-1"));
        var unknown = await SignInAsync(ByEmail("v3-nobody@example.com", "Wrong-password-1"));
        Assert.Equal(2333, wrong["apiCode"]!.GetValue<int>());
        Assert.Equal(wrong.ToJsonString(), unknown.ToJsonString());
    }

    [Fact]
    public async Task GuessesThroughV3AndV2ShareOneThrottle()
    {
        await Client.RegisterAndLoginAsync("v3-throttle@example.com");
        for (var i = 0; i < 3; i++)
            Assert.Equal(2333, GraphQLClient.ErrorCode(await Client.LoginByEmailAsync("v3-throttle@example.com", $"Wrong-password-{i}")));
        for (var i = 0; i < 3; i++)
            Assert.Equal(2333, (await SignInAsync(ByEmail("v3-throttle@example.com", $"Wrong-passw0rd-{i}")))["apiCode"]!.GetValue<int>());

        // Six failures in all, one past the server's allowance (5): both ways in refuse the right password now.
        var locked = await SignInAsync(ByEmail("v3-throttle@example.com"));
        Assert.Equal(2058, locked["apiCode"]!.GetValue<int>());
        Assert.Equal(429, locked["statusCode"]!.GetValue<int>());
        Assert.Equal(2058, GraphQLClient.ErrorCode(await Client.LoginByEmailAsync("v3-throttle@example.com")));
    }

    [Fact]
    public async Task BadRequestsAnswerTheirCodesNotA500()
    {
        foreach (var (body, code) in new (object, int)[]
                 {
                     (new { connection = "SMOKE" }, 400),
                     (new { connection = "PASSWORD" }, 400),
                     (new { connection = "PASSWORD", passwordPayload = new { password = "x" } }, 400),
                     (new { connection = "PASSCODE", passCodePayload = new { passCode = "123456" } }, 400),
                     (new { connection = "PASSWORD", passwordPayload = new { email = "a@example.com", password = "x" }, options = new { responseType = "code" } }, 2651),
                     (new { connection = "PASSWORD", passwordPayload = new { email = "a@example.com", password = "x" }, options = new { passwordEncryptType = "sm2" } }, 2651),
                     (new { connection = 5, passwordPayload = "x" }, 400),
                 })
            Assert.Equal(code, (await SignInAsync(body))["apiCode"]!.GetValue<int>());
        using var notJson = Client.NewRequest(HttpMethod.Post, "/api/v3/signin", null, null);
        notJson.Content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json");
        using var response = await Client.Http.SendAsync(notJson);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(400, (await GraphQLClient.ReadJsonAsync(response))["apiCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task FaceMfaAnswersNotSupported()
    {
        var (_, token) = await Client.RegisterAndLoginAsync("face@example.com");
        foreach (var path in new[] { "/api/v2/mfa/face/associate", "/api/v2/mfa/face/verify" })
        {
            Assert.Equal(2651, (await RestAsync(HttpMethod.Post, path, new { photoA = "https://x.example/a.jpg", photoB = "https://x.example/b.jpg" }, token))["code"]!.GetValue<int>());
            Assert.Equal(2651, (await RestAsync(HttpMethod.Post, path, new { photo = "https://x.example/a.jpg" }))["code"]!.GetValue<int>());
        }
        using var upload = Client.NewRequest(HttpMethod.Post, "/api/v2/upload?folder=face-photo&private=true", token, null);
        upload.Content = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "file", "face.jpg" } };
        using var response = await Client.Http.SendAsync(upload);
        Assert.Equal(2651, (await GraphQLClient.ReadJsonAsync(response))["code"]!.GetValue<int>());
    }
}
