using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Http;

/// <summary>GraphQL over HTTP: methods, media types, statuses, batches and document limits (QUALITY R4).</summary>
public sealed class GraphQLHttpTests : IDisposable
{
    private const string StrengthQuery = "query { checkPasswordStrength(password: \"Correct-Horse-91\") { valid } }";

    private readonly GenAuthApp _app = new(settings: new Dictionary<string, string?>
    {
        ["GenAuth:Http:MaxBodyBytes"] = "4096",
        ["GenAuth:GraphQL:MaxDepth"] = "3",
        ["GenAuth:GraphQL:MaxComplexity"] = "40",
        ["GenAuth:Http:MaxBatchSize"] = "3",
    });

    private readonly GraphQLClient _client;

    public GraphQLHttpTests() => _client = _app.CreateGraphQLClient();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task PostJsonIsAnsweredAsApplicationJsonByDefault()
    {
        using var response = await _client.SendAsync(StrengthQuery);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await GraphQLClient.ReadJsonAsync(response);
        Assert.True(GraphQLClient.Success(body, "checkPasswordStrength")["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task PostAcceptingGraphQLResponseJsonIsAnsweredInThatMediaType()
    {
        using var response = await Post(StrengthQuery, accept: "application/graphql-response+json, application/json;q=0.9");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/graphql-response+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task InvalidDocumentIs400WithGraphQLResponseJsonAnd200WithApplicationJson()
    {
        using var modern = await Post("query { noSuchField }", accept: "application/graphql-response+json");
        using var legacy = await Post("query { noSuchField }", accept: "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, modern.StatusCode);
        Assert.Equal(HttpStatusCode.OK, legacy.StatusCode);
        Assert.Equal(4000, GraphQLClient.ErrorCode(await GraphQLClient.ReadJsonAsync(legacy)));
    }

    [Fact]
    public async Task GetRunsAQuery()
    {
        using var request = _client.NewRequest(HttpMethod.Get,
            GenAuthApp.GraphQLPath + "?query=" + Uri.EscapeDataString(StrengthQuery));
        using var response = await _client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await GraphQLClient.ReadJsonAsync(response);
        Assert.True(GraphQLClient.Success(body, "checkPasswordStrength")["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task MutationOverGetIs405WithAllowPost()
    {
        using var request = _client.NewRequest(HttpMethod.Get,
            GenAuthApp.GraphQLPath + "?query=" + Uri.EscapeDataString(Ops.Logout));
        using var response = await _client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task OtherMethodsAre405WithAllow()
    {
        using var request = _client.NewRequest(HttpMethod.Put, GenAuthApp.GraphQLPath);
        request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var response = await _client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET", "POST"], response.Content.Headers.Allow.Order());
    }

    [Fact]
    public async Task BatchedPostAnswersAnArrayInOrder()
    {
        var batch = "[{\"query\":\"{ checkPasswordStrength(password: \\\"Correct-Horse-91\\\") { valid } }\"},"
                    + "{\"query\":\"{ checkPasswordStrength(password: \\\"short\\\") { valid } }\"}]";
        using var response = await PostRaw(new StringContent(batch, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await GraphQLClient.ReadJsonAsync(response)).AsArray();
        Assert.Equal(2, results.Count);
        Assert.True(results[0]!["data"]!["checkPasswordStrength"]!["valid"]!.GetValue<bool>());
        Assert.False(results[1]!["data"]!["checkPasswordStrength"]!["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ABatchOverMaxBatchSizeIsRefusedWholeWith400()
    {
        static string Batch(int n) => new JsonArray(Enumerable.Range(0, n)
            .Select(_ => (JsonNode)new JsonObject { ["query"] = StrengthQuery }).ToArray()).ToJsonString();

        using var atLimit = await PostRaw(new StringContent(Batch(3), Encoding.UTF8, "application/json"));
        using var overLimit = await PostRaw(new StringContent(Batch(4), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
        Assert.Equal(3, (await GraphQLClient.ReadJsonAsync(atLimit)).AsArray().Count);
        Assert.Equal(HttpStatusCode.BadRequest, overLimit.StatusCode);
        var refused = await GraphQLClient.ReadJsonAsync(overLimit);
        Assert.Null(refused["data"]);
        Assert.Contains("at most 3", GraphQLClient.ErrorMessage(refused));
    }

    [Theory]
    [InlineData("{ \"query\": ")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("{ \"variables\": {} }")]
    public async Task UnparsableBodyIs400(string body)
    {
        using var response = await PostRaw(new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await GraphQLClient.ReadJsonAsync(response))["errors"]);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    public async Task UnsupportedContentTypeIs415(string mediaType)
    {
        using var response = await PostRaw(new StringContent("{\"query\":\"{ __typename }\"}", Encoding.UTF8, mediaType));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task BodyOverTheConfiguredLimitIs413()
    {
        var padding = new string(' ', 5000);
        using var response = await PostRaw(new StringContent("{\"query\":\"{ __typename }\"" + padding + "}",
            Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task ChunkedBodyOverTheConfiguredLimitIs413()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"query\":\"{ __typename }\"" + new string(' ', 5000) + "}");
        var content = new StreamContent(new MemoryStream(bytes));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = _client.NewRequest(HttpMethod.Post, GenAuthApp.GraphQLPath);
        request.Content = content;
        request.Headers.TransferEncodingChunked = true;
        using var response = await _client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task QueryDeeperThanTheConfiguredMaxDepthIsAGraphQLError()
    {
        using var shallow = new GenAuthApp(settings: new Dictionary<string, string?> { ["GenAuth:GraphQL:MaxDepth"] = "2" });
        var client = shallow.CreateGraphQLClient();
        var within = await client.PostAsync("{ checkLoginStatus { code } }");
        var deeper = await client.PostAsync("{ checkLoginStatus { data { id } } }");

        Assert.Null(within["errors"]);
        Assert.Equal(4001, GraphQLClient.ErrorCode(deeper));
        Assert.Null(deeper["data"]);
    }

    [Fact]
    public async Task ARepeatedDocumentStillHasItsVariablesChecked()
    {
        const string query = "query($password: String!) { checkPasswordStrength(password: $password) { valid } }";
        var first = await _client.PostAsync(query, new { password = "Correct-Horse-91" });
        var second = await _client.PostAsync(query, new { password = "Correct-Horse-91" });
        var wrongType = await _client.PostAsync(query, new { password = new[] { 1, 2 } });
        var missing = await _client.PostAsync(query, new { });

        Assert.True(first["data"]!["checkPasswordStrength"]!["valid"]!.GetValue<bool>());
        Assert.True(second["data"]!["checkPasswordStrength"]!["valid"]!.GetValue<bool>());
        Assert.Equal(4000, GraphQLClient.ErrorCode(wrongType));
        Assert.Null(wrongType["data"]);
        Assert.Equal(4000, GraphQLClient.ErrorCode(missing));
    }

    [Fact]
    public async Task IntrospectionIsExemptFromTheDepthLimitSoIdesWork()
    {
        var introspection = await _client.PostAsync("{ __schema { types { fields { type { ofType { name } } } } } }");

        Assert.Null(introspection["errors"]);
        Assert.NotNull(introspection["data"]!["__schema"]);
    }

    [Fact]
    public async Task DocumentNestedBeyondWhatTheParserAcceptsIsADepthErrorNotAServerError()
    {
        var result = await _client.PostAsync(string.Concat(Enumerable.Repeat("{ a ", 500)) + new string('}', 500));

        Assert.Equal(4001, GraphQLClient.ErrorCode(result));
        Assert.Null(result["data"]);
    }

    [Fact]
    public async Task QueryOverTheConfiguredMaxComplexityIsAGraphQLError()
    {
        var fields = string.Join(' ', Enumerable.Range(0, 50).Select(i => $"a{i}: checkPasswordStrength(password: \"x\") {{ valid }}"));
        var result = await _client.PostAsync("{ " + fields + " }");

        Assert.Equal(4002, GraphQLClient.ErrorCode(result));
        Assert.Null(result["data"]);
    }

    [Fact]
    public async Task UnknownOperationFieldIsAValidationErrorWithTheGraphQLCode()
    {
        var result = await _client.PostAsync("{ noSuchField }");

        Assert.Equal(4000, GraphQLClient.ErrorCode(result));
        Assert.NotNull(result["errors"]![0]!["extensions"]!["codes"]);
    }

    [Fact]
    public async Task VariablesOfTheWrongTypeAreAGraphQLError()
    {
        var result = await _client.PostAsync(Ops.LoginByEmail, new { input = new { email = 42 } });

        Assert.Equal(4000, GraphQLClient.ErrorCode(result));
        Assert.Null(result["data"]);
    }

    private Task<HttpResponseMessage> Post(string query, string accept)
    {
        var request = _client.NewRequest(HttpMethod.Post, GenAuthApp.GraphQLPath);
        request.Content = new StringContent(new JsonObject { ["query"] = query }.ToJsonString(), Encoding.UTF8, "application/json");
        request.Headers.Accept.ParseAdd(accept);
        return _client.Http.SendAsync(request);
    }

    private Task<HttpResponseMessage> PostRaw(HttpContent content)
    {
        var request = _client.NewRequest(HttpMethod.Post, GenAuthApp.GraphQLPath);
        request.Content = content;
        return _client.Http.SendAsync(request);
    }
}
