using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Management;

/// <summary>Shared setup of the management tests: an app, a client of its default pool, and an admin token.</summary>
public abstract class ManagementTestBase : IAsyncLifetime, IDisposable
{
    protected ManagementTestBase(IReadOnlyDictionary<string, string?>? settings = null)
    {
        App = new GenAuthApp(settings: settings);
        Client = App.CreateGraphQLClient();
    }

    protected GenAuthApp App { get; }
    protected GraphQLClient Client { get; }
    protected string Admin { get; private set; } = "";

    public async Task InitializeAsync() => Admin = await Client.ManagementTokenAsync(App.Secret);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => App.Dispose();

    protected const string UserSel = "id email username phone phoneVerified emailVerified nickname blocked isDeleted";

    protected async Task<JsonNode> AdminAsync(string query, object? variables = null) => await Client.PostAsync(query, variables, Admin);

    protected async Task<string> CreateUserAsync(object userInfo, string? @params = null)
    {
        var result = await AdminAsync("mutation($u: CreateUserInput!, $p: String) { createUser(userInfo: $u, params: $p) { id } }",
            new { u = userInfo, p = @params });
        return GraphQLClient.Success(result, "createUser")["id"]!.GetValue<string>();
    }

    /// <summary>A REST call with the pool header and a token; answers the envelope.</summary>
    protected async Task<JsonNode> RestAsync(HttpMethod method, string path, object? body = null, string? token = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var request = Client.NewRequest(method, path, token, headers);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        using var response = await Client.Http.SendAsync(request);
        return await GraphQLClient.ReadJsonAsync(response);
    }

    protected static int Code(JsonNode result) => GraphQLClient.ErrorCode(result);
}
