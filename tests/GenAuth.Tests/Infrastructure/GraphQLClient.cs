using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GenAuth.Tests.Infrastructure;

/// <summary>
/// Talks to /graphql/v2 as a GenAuth front-end does: JSON POSTs carrying the pool header, real tokens obtained by
/// registering and logging in.
/// </summary>
public sealed class GraphQLClient(HttpClient http, string userPoolId)
{
    /// <summary>Strong and not on the common-password list.</summary>
    public const string Password = "Correct-Horse-91";

    public HttpClient Http { get; } = http;
    public string UserPoolId { get; } = userPoolId;

    /// <summary>Runs one operation; the answer is the parsed body (any HTTP status).</summary>
    public async Task<JsonNode> PostAsync(string query, object? variables = null, string? token = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        using var response = await SendAsync(query, variables, token, headers);
        return await ReadJsonAsync(response);
    }

    /// <summary>Runs one operation and leaves the response (status, headers) to the caller.</summary>
    public Task<HttpResponseMessage> SendAsync(string query, object? variables = null, string? token = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var body = JsonSerializer.Serialize(new { query, variables });
        var request = NewRequest(HttpMethod.Post, GenAuthApp.GraphQLPath, token, headers);
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return Http.SendAsync(request);
    }

    /// <summary>A request with the pool header (unless headers name the pool or app), the token and extra headers.</summary>
    public HttpRequestMessage NewRequest(HttpMethod method, string path, string? token = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var request = new HttpRequestMessage(method, path);
        var names = headers?.Keys.Select(k => k.ToLowerInvariant()).ToHashSet() ?? [];
        if (!names.Contains("x-authing-userpool-id") && !names.Contains("x-authing-app-id"))
            request.Headers.Add("x-authing-userpool-id", UserPoolId);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    public static async Task<JsonNode> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException($"Empty body ({(int)response.StatusCode})");
    }

    public async Task<JsonNode> RegisterByEmailAsync(string email, string password = Password) =>
        await PostAsync(Ops.RegisterByEmail, new { input = new { email, password } });

    public async Task<JsonNode> LoginByEmailAsync(string email, string password = Password,
        IReadOnlyDictionary<string, string>? headers = null) =>
        await PostAsync(Ops.LoginByEmail, new { input = new { email, password } }, headers: headers);

    /// <summary>Registers a user by email, logs in, and returns the user's id and id token.</summary>
    public async Task<(string Id, string Token)> RegisterAndLoginAsync(string email, string password = Password)
    {
        Success(await RegisterByEmailAsync(email, password), "registerByEmail");
        var user = Success(await LoginByEmailAsync(email, password), "loginByEmail");
        return (user["id"]!.GetValue<string>(), user["token"]!.GetValue<string>());
    }

    /// <summary>A management token for a pool from accessToken(userPoolId, secret).</summary>
    public async Task<string> ManagementTokenAsync(string secret, string? userPoolId = null)
    {
        var result = await PostAsync(Ops.AccessToken, new { userPoolId = userPoolId ?? UserPoolId, secret });
        return Success(result, "accessToken")["accessToken"]!.GetValue<string>();
    }

    /// <summary>data.{field} of a result that must have no errors.</summary>
    public static JsonNode Success(JsonNode result, string field)
    {
        Assert.True(result["errors"] is null, $"Expected no errors, got: {result.ToJsonString()}");
        return result["data"]?[field] ?? throw new Xunit.Sdk.XunitException($"data.{field} is null: {result.ToJsonString()}");
    }

    /// <summary>extensions.code of the first error; fails when there is none.</summary>
    public static int ErrorCode(JsonNode result)
    {
        var code = result["errors"]?[0]?["extensions"]?["code"];
        Assert.True(code is not null, $"Expected an error with extensions.code, got: {result.ToJsonString()}");
        return code!.GetValue<int>();
    }

    public static string ErrorMessage(JsonNode result) => result["errors"]![0]!["message"]!.GetValue<string>();
}

/// <summary>Operations shared by the test files (what a GenAuth front-end sends, trimmed to the fields asserted).</summary>
public static class Ops
{
    public const string UserFields = "id userPoolId email username phone token tokenExpiredAt loginsCount lastLogin lastIP device browser";

    public const string RegisterByEmail = "mutation($input: RegisterByEmailInput!) { registerByEmail(input: $input) { " + UserFields + " } }";
    public const string RegisterByUsername = "mutation($input: RegisterByUsernameInput!) { registerByUsername(input: $input) { " + UserFields + " } }";
    public const string LoginByEmail = "mutation($input: LoginByEmailInput!) { loginByEmail(input: $input) { " + UserFields + " } }";
    public const string LoginByUsername = "mutation($input: LoginByUsernameInput!) { loginByUsername(input: $input) { " + UserFields + " } }";
    public const string LoginByPhonePassword = "mutation($input: LoginByPhonePasswordInput!) { loginByPhonePassword(input: $input) { " + UserFields + " } }";
    public const string LoginByAccount = "mutation($account: String!, $password: String!) { loginByAccount(account: $account, password: $password) { " + UserFields + " } }";
    public const string User = "query($id: String) { user(id: $id) { " + UserFields + " nickname company } }";
    public const string UpdateUser = "mutation($id: String, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id email phone nickname company blocked } }";
    public const string AccessToken = "query($userPoolId: String!, $secret: String!) { accessToken(userPoolId: $userPoolId, secret: $secret) { accessToken exp iat } }";
    public const string CheckLoginStatus = "query($token: String) { checkLoginStatus(token: $token) { code message status exp iat data { id userPoolId } } }";
    public const string Logout = "mutation { logout { code message } }";
}
