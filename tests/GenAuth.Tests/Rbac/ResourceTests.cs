using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Rbac;

public sealed class ResourceTests : IAsyncLifetime
{
    private const string Fields = "id namespace code type description actions { name description } apiIdentifier createdAt updatedAt";
    private const string Create = "mutation($namespace: String, $code: String!, $type: ResourceType!, $description: String, $actions: [ResourceActionInput!], $apiIdentifier: String) { createResource(namespace: $namespace, code: $code, type: $type, description: $description, actions: $actions, apiIdentifier: $apiIdentifier) { " + Fields + " } }";
    private const string Update = "mutation($namespace: String, $code: String!, $type: ResourceType, $description: String, $actions: [ResourceActionInput!], $apiIdentifier: String) { updateResource(namespace: $namespace, code: $code, type: $type, description: $description, actions: $actions, apiIdentifier: $apiIdentifier) { " + Fields + " } }";
    private const string Delete = "mutation($namespace: String, $code: String!) { deleteResource(namespace: $namespace, code: $code) { code message } }";
    private const string List = "query($namespace: String, $type: ResourceType, $page: Int, $limit: Int) { resources(namespace: $namespace, type: $type, page: $page, limit: $limit) { totalCount list { " + Fields + " } } }";
    private const string Get = "query($namespace: String, $code: String!) { resource(namespace: $namespace, code: $code) { " + Fields + " } }";

    private readonly GenAuthApp _app = new();
    private RbacClient _admin = null!;

    public async Task InitializeAsync() => _admin = await RbacClient.CreateAsync(_app);

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private Task<JsonNode> CreateAsync(string code, string type, string? apiIdentifier = null) =>
        _admin.AdminAsync(Create, "createResource", new
        {
            @namespace = "default", code, type, description = $"{code} resource", apiIdentifier,
            actions = new[] { new { name = "read", description = (string?)"Read" }, new { name = "write", description = (string?)null } },
        });

    [Fact]
    public async Task CreateListFilterUpdateDelete()
    {
        var created = await CreateAsync("books", "DATA");
        await CreateAsync("orders-api", "API", "https://api.example.com/orders");
        await CreateAsync("home", "MENU");

        Assert.Equal("books", created["code"]!.GetValue<string>());
        Assert.Equal("DATA", created["type"]!.GetValue<string>());
        Assert.Equal(["read", "write"], RbacClient.Codes(created["actions"]!, "name"));
        Assert.Equal("default", created["namespace"]!.GetValue<string>());

        var all = await _admin.AdminAsync(List, "resources", new { @namespace = "default" });
        Assert.Equal(3, all["totalCount"]!.GetValue<int>());
        var apis = await _admin.AdminAsync(List, "resources", new { type = "API" });
        Assert.Equal(["orders-api"], RbacClient.Codes(apis["list"]!));
        Assert.Equal("https://api.example.com/orders", apis["list"]![0]!["apiIdentifier"]!.GetValue<string>());
        var paged = await _admin.AdminAsync(List, "resources", new { page = 2, limit = 2 });
        Assert.Equal(3, paged["totalCount"]!.GetValue<int>());
        Assert.Single(paged["list"]!.AsArray());

        var updated = await _admin.AdminAsync(Update, "updateResource", new
        {
            @namespace = "default", code = "books", type = "UI", description = "Books UI", actions = new[] { new { name = "see", description = "See" } },
        });
        Assert.Equal("UI", updated["type"]!.GetValue<string>());
        Assert.Equal("Books UI", updated["description"]!.GetValue<string>());
        Assert.Equal(["see"], RbacClient.Codes(updated["actions"]!, "name"));
        var got = await _admin.AdminAsync(Get, "resource", new { code = "books" });
        Assert.Equal("UI", got["type"]!.GetValue<string>());

        await _admin.AdminAsync(Delete, "deleteResource", new { @namespace = "default", code = "books" });
        Assert.Equal(2540, await _admin.AdminErrorAsync(Get, new { code = "books" }));
        Assert.Equal(2540, await _admin.AdminErrorAsync(Delete, new { code = "books" }));
        Assert.Equal(2540, await _admin.AdminErrorAsync(Update, new { code = "nope", description = "x" }));
        Assert.Equal(2, (await _admin.AdminAsync(List, "resources", new { }))["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task CodesAreUniquePerNamespace()
    {
        await CreateAsync("books", "DATA");
        Assert.Equal(2541, await _admin.AdminErrorAsync(Create, new { @namespace = "default", code = "books", type = "API" }));
        var other = await _admin.AdminAsync(Create, "createResource", new { @namespace = "other", code = "books", type = "API" });
        Assert.Equal("other", other["namespace"]!.GetValue<string>());
        Assert.Equal(1, (await _admin.AdminAsync(List, "resources", new { @namespace = "other" }))["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task EndUsersAreRefused()
    {
        var (_, token) = await _admin.Client.RegisterAndLoginAsync("plain@example.com");
        Assert.Equal(403, GraphQLClient.ErrorCode(await _admin.Client.PostAsync(Create, new { code = "x", type = "DATA" }, token)));
        Assert.Equal(403, GraphQLClient.ErrorCode(await _admin.Client.PostAsync(List, new { }, token)));
        Assert.Equal(403, GraphQLClient.ErrorCode(await _admin.Client.PostAsync(Delete, new { code = "x" }, token)));
    }

    [Fact]
    public async Task DeclaredTypeAndApiIdentifierShowInUserAuthorizedResources()
    {
        var users = await _admin.SeedUsersAsync(1);
        await CreateAsync("orders-api", "API", "https://api.example.com/orders");

        await _admin.AdminAsync(RbacOps.AuthorizeResource, "authorizeResource", new
        {
            @namespace = "default", resource = "orders-api",
            opts = new[] { new { targetType = "USER", targetIdentifier = users[0], actions = new[] { "read" } } },
        });

        var resources = (await _admin.AdminAsync(RbacOps.ListUserAuthorizedResources, "user", new { id = users[0], @namespace = "default" }))["authorizedResources"]!;
        var item = resources["list"]![0]!;
        Assert.Equal("orders-api", item["code"]!.GetValue<string>());
        Assert.Equal("API", item["type"]!.GetValue<string>());
        Assert.Equal("https://api.example.com/orders", item["apiIdentifier"]!.GetValue<string>());
    }

    [Fact]
    public async Task RestPathsOfTheManagementClient()
    {
        async Task<JsonNode> Rest(HttpMethod method, string path, object? body = null)
        {
            var request = _admin.Client.NewRequest(method, path, _admin.AdminToken, null);
            if (body is not null)
                request.Content = JsonContent.Create(body);
            using var response = await _admin.Client.Http.SendAsync(request);
            return await GraphQLClient.ReadJsonAsync(response);
        }

        var created = await Rest(HttpMethod.Post, "/api/v2/resources", new
        {
            @namespace = "default", code = "books", type = "DATA", description = "Books", actions = new[] { new { name = "read", description = "Read" } },
        });
        Assert.Equal(200, created["code"]!.GetValue<int>());
        Assert.Equal("books", created["data"]!["code"]!.GetValue<string>());
        var dup = await Rest(HttpMethod.Post, "/api/v2/resources", new { @namespace = "default", code = "books", type = "DATA" });
        Assert.Equal(2541, dup["code"]!.GetValue<int>());

        var list = await Rest(HttpMethod.Get, "/api/v2/resources?namespace=default&type=DATA&page=1&limit=10");
        Assert.Equal(1, list["data"]!["totalCount"]!.GetValue<int>());
        var byCode = await Rest(HttpMethod.Get, "/api/v2/resources/detail?namespace=default&code=books");
        var id = byCode["data"]!["id"]!.GetValue<string>();
        var byId = await Rest(HttpMethod.Get, $"/api/v2/resources/detail?id={id}");
        Assert.Equal("books", byId["data"]!["code"]!.GetValue<string>());

        var updated = await Rest(HttpMethod.Post, "/api/v2/resources/books", new { @namespace = "default", type = "MENU", description = "Menu" });
        Assert.Equal("MENU", updated["data"]!["type"]!.GetValue<string>());
        Assert.Equal("Read", updated["data"]!["actions"]![0]!["description"]!.GetValue<string>());

        var deleted = await Rest(HttpMethod.Delete, "/api/v2/resources/books?namespace=default");
        Assert.Equal(200, deleted["code"]!.GetValue<int>());
        Assert.Equal(2540, (await Rest(HttpMethod.Get, "/api/v2/resources/detail?namespace=default&code=books"))["code"]!.GetValue<int>());
    }
}
