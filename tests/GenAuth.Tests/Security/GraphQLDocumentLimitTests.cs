using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Transports;

namespace GenAuth.Tests.Security;

/// <summary>
/// Issue 10, hole 3 (anonymous CPU and memory exhaustion through GraphQL) and the per-request limits of holes 4, 5
/// and 8: documents are measured before validation and refused with a GenAuth code, on every transport.
/// </summary>
public sealed class GraphQLDocumentLimitTests : IDisposable
{
    private readonly GenAuthApp _app = new();
    private readonly GraphQLClient _client;

    public GraphQLDocumentLimitTests() => _client = _app.CreateGraphQLClient();

    public void Dispose() => _app.Dispose();

    /// <summary>About 1 KB: 16 fragments, each spreading the next twice, so the operation expands to 2^16 fields.</summary>
    public static string FragmentBomb(int levels = 16)
    {
        var text = new StringBuilder("query Bomb { ...F0 }\n");
        for (var i = 0; i < levels; i++)
            text.Append($"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}\n");
        text.Append($"fragment F{levels} on Query {{ __typename }}\n");
        return text.ToString();
    }

    /// <summary>The same __schema selection under many aliases: exempt from every limit before (63 MB for 400).</summary>
    public static string AliasedIntrospection(int count, string selection = "types { name fields { name type { name } } }") =>
        "{ " + string.Join(' ', Enumerable.Range(0, count).Select(i => $"s{i}: __schema {{ {selection} }}")) + " }";

    private static int Code(JsonNode result) => GraphQLClient.ErrorCode(result);

    private async Task<HttpResponseMessage> PostAsync(object body, string accept = "application/json", string? token = null)
    {
        var request = _client.NewRequest(HttpMethod.Post, GenAuthApp.GraphQLPath, token);
        request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        request.Headers.Accept.ParseAdd(accept);
        return await _client.Http.SendAsync(request);
    }

    [Fact]
    public async Task AFragmentBombIsRefusedBeforeValidationWithACode()
    {
        var bomb = FragmentBomb();
        Assert.True(bomb.Length < 1200);

        using var json = await PostAsync(new { query = bomb });
        using var modern = await PostAsync(new { query = bomb }, accept: "application/graphql-response+json");
        var result = await GraphQLClient.ReadJsonAsync(json);

        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, modern.StatusCode);
        Assert.Equal(4004, Code(result));
        Assert.Equal(4004, Code(await GraphQLClient.ReadJsonAsync(modern)));
        Assert.Null(result["data"]);
    }

    [Fact]
    public async Task AFragmentCycleIsRefusedBeforeValidation()
    {
        var result = await _client.PostAsync("query { ...A } fragment A on Query { __typename ...B } fragment B on Query { ...A }");

        Assert.Equal(4000, Code(result));
        Assert.Equal("A", result["errors"]![0]!["extensions"]!["data"]!["fragment"]!.GetValue<string>());
    }

    [Fact]
    public async Task FourHundredAliasedSchemaSelectionsAreRefused()
    {
        var query = AliasedIntrospection(400);
        Assert.True(query.Length > 20_000);

        var result = await _client.PostAsync(query);

        Assert.Equal(4005, Code(result));
        Assert.Null(result["data"]);
    }

    [Fact]
    public async Task AnSdkPageOf200UsersWithEveryUserFieldAndCustomDataFitsTheDefaultComplexity()
    {
        // authing-js-sdk's users.list(1, 200, { withCustomData: true }) asks for every User field of a 200-row page
        // (complexity 16,201 plus custom data): the default budget must price GenAuth's largest page as legitimate.
        var admin = await _client.ManagementTokenAsync(_app.Secret);
        var fields = (await _client.PostAsync("{ __type(name: \"User\") { fields { name args { name } type { kind ofType { kind } } } } }", token: admin))
            ["data"]!["__type"]!["fields"]!.AsArray()
            .Where(f => f!["args"]!.AsArray().Count == 0
                        && (f["type"]!["kind"]!.GetValue<string>() is "SCALAR" or "ENUM"
                            || f["type"]!["ofType"]?["kind"]?.GetValue<string>() is "SCALAR" or "ENUM"))
            .Select(f => f!["name"]!.GetValue<string>()).ToList();
        Assert.True(fields.Count > 40, $"User has {fields.Count} scalar fields");

        var result = await _client.PostAsync(
            $"{{ users(page: 1, limit: 200) {{ totalCount list {{ {string.Join(' ', fields)} customData {{ key value dataType label }} }} }} }}",
            token: admin);

        Assert.True(result["errors"] is null, result.ToJsonString());
        Assert.NotNull(result["data"]!["users"]!["totalCount"]);
    }

    [Fact]
    public async Task AliasedIntrospectionIsNotExemptFromTheComplexityLimit()
    {
        // Under the alias and selection limits, but no longer the standard shape: the analyzer prices it like data.
        var result = await _client.PostAsync(AliasedIntrospection(10));

        Assert.Equal(4002, Code(result));
        Assert.Null(result["data"]);
    }

    [Fact]
    public async Task IntrospectionNestingTypeListsThreeDeepIsNotExempt()
    {
        var result = await _client.PostAsync("{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }");

        Assert.Equal(4002, Code(result));
    }

    [Fact]
    public async Task TheIdesIntrospectionQueriesStillWork()
    {
        // Banana Cake Pop 18's capability probes and its full query (typeDepth 6), as it sends them.
        foreach (var probe in new[] { "__Directive", "__Schema", "__Type" })
        {
            var detect = await _client.PostAsync($"query IntrospectionQuery {{ __type(name: \"{probe}\") {{ name fields {{ name }} }} }}");
            Assert.Null(detect["errors"]);
        }
        var full = await _client.PostAsync(BananaCakePopIntrospection);

        Assert.Null(full["errors"]);
        Assert.Contains(full["data"]!["__schema"]!["types"]!.AsArray(), t => t!["name"]!.GetValue<string>() == "Mutation");
    }

    [Fact]
    public async Task TooManySelectionsWithoutFragmentsAreRefused()
    {
        var result = await _client.PostAsync("{ " + string.Join(' ', Enumerable.Repeat("__typename", 1001)) + " }");

        Assert.Equal(4004, Code(result));
    }

    [Fact]
    public async Task TooManyAliasesAreRefused()
    {
        var within = await _client.PostAsync("{ " + string.Join(' ', Enumerable.Range(0, 50).Select(i => $"a{i}: __typename")) + " }");
        var over = await _client.PostAsync("{ " + string.Join(' ', Enumerable.Range(0, 51).Select(i => $"a{i}: __typename")) + " }");

        Assert.Null(within["errors"]);
        Assert.Equal(4005, Code(over));
    }

    [Fact]
    public async Task ADocumentOverTheLengthLimitIsRefusedUnparsed()
    {
        var result = await _client.PostAsync("{ __typename }" + new string(' ', 64 * 1024));

        Assert.Equal(4003, Code(result));
    }

    [Fact]
    public async Task TwoCodeSendsInOneDocumentAreRefusedAndNothingIsSent()
    {
        var result = await _client.PostAsync(
            "mutation { a: sendSmsCode(phone: \"13800138001\") { code } b: sendSmsCode(phone: \"13800138002\") { code } }");
        var mixed = await _client.PostAsync(
            "mutation { sendSmsCode(phone: \"13800138003\") { code } sendEmail(email: \"a@example.com\", scene: VERIFY_CODE) { code } }");

        Assert.Equal(4009, Code(result));
        Assert.Equal("send", result["errors"]![0]!["extensions"]!["data"]!["kind"]!.GetValue<string>());
        Assert.Equal(4009, Code(mixed));
        Assert.Empty(Outbox());
    }

    [Fact]
    public async Task ABatchSharesOneSendBudget()
    {
        const string send = "mutation($p: String!) { sendSmsCode(phone: $p) { code } }";
        using var response = await PostAsync(new[]
        {
            new { query = send, variables = new { p = "13800138011" } },
            new { query = send, variables = new { p = "13800138012" } },
            new { query = send, variables = new { p = "13800138013" } },
        });
        var results = (await GraphQLClient.ReadJsonAsync(response)).AsArray();

        Assert.Null(results[0]!["errors"]);
        Assert.Equal(4009, Code(results[1]!));
        Assert.Equal(4009, Code(results[2]!));
        Assert.Single(Outbox());
    }

    [Fact]
    public async Task TwoRegistrationsInOneDocumentAreRefusedAndNoAccountIsCreated()
    {
        var result = await _client.PostAsync(
            """
            mutation {
              a: registerByEmail(input: { email: "one@example.com", password: "Correct-Horse-91" }) { id }
              b: registerByEmail(input: { email: "two@example.com", password: "Correct-Horse-91" }) { id }
            }
            """);

        Assert.Equal(4009, Code(result));
        Assert.Equal(0, await _app.QueryDbAsync(db => Task.FromResult(db.Users.Count(u => u.Email != null && u.Email.EndsWith("@example.com")))));
    }

    [Fact]
    public async Task TwoExistenceLookupsInOneDocumentAreRefusedEvenThroughFragments()
    {
        var one = await _client.PostAsync("{ isUserExists(email: \"x@example.com\") }");
        var two = await _client.PostAsync(
            "query { ...L other: isUserExists(email: \"y@example.com\") } fragment L on Query { isUserExists(email: \"x@example.com\") }");

        Assert.Null(one["errors"]);
        Assert.Equal(4009, Code(two));
    }

    [Fact]
    public async Task OnlyTheOperationThatRunsIsCounted()
    {
        const string document = """
            mutation A { sendSmsCode(phone: "13800138021") { code } }
            mutation B { sendSmsCode(phone: "13800138022") { code } }
            """;
        using var response = await PostAsync(new { query = document, operationName = "A" });

        Assert.Null((await GraphQLClient.ReadJsonAsync(response))["errors"]);
        Assert.Single(Outbox());
    }

    [Fact]
    public async Task AnonymousIntrospectionCanBeTurnedOffWhileAdminsKeepTheIde()
    {
        using var app = new GenAuthApp(settings: new Dictionary<string, string?> { ["GenAuth:GraphQL:AnonymousIntrospection"] = "false" });
        var client = app.CreateGraphQLClient();
        var token = await client.ManagementTokenAsync(app.Secret);

        var anonymous = await client.PostAsync("{ __schema { queryType { name } } }");
        var typeLookup = await client.PostAsync("{ __type(name: \"User\") { name } }");
        var typename = await client.PostAsync("{ __typename }");
        var admin = await client.PostAsync("{ __schema { queryType { name } } }", token: token);

        Assert.Equal(4008, Code(anonymous));
        Assert.Equal(4008, Code(typeLookup));
        Assert.Null(typename["errors"]);
        Assert.Equal("Query", admin["data"]!["__schema"]!["queryType"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnAnswerOverTheResponseLimitIsACodedErrorNotATruncatedBody()
    {
        using var app = new GenAuthApp(settings: new Dictionary<string, string?> { ["GenAuth:GraphQL:MaxResponseBytes"] = "4096" });
        var client = app.CreateGraphQLClient();

        var small = await client.PostAsync("{ __typename }");
        using var response = await client.SendAsync(BananaCakePopIntrospection);
        var text = await response.Content.ReadAsStringAsync();
        var big = JsonNode.Parse(text)!;

        Assert.Null(small["errors"]);
        Assert.Equal(4007, Code(big));
        Assert.Null(big["data"]);
        Assert.True(text.Length < 4096);
    }

    [Fact]
    public async Task AnOperationOverTheTimeBudgetIsStoppedWithACode()
    {
        using var app = new GenAuthApp(settings: new Dictionary<string, string?> { ["GenAuth:GraphQL:Timeout"] = "00:00:00.001" });
        var client = app.CreateGraphQLClient();

        // An Argon2id hash alone takes longer than a millisecond.
        var result = await client.RegisterByEmailAsync("slow@example.com");

        Assert.Equal(4006, Code(result));
    }

    [Fact]
    public async Task AQueryOverTheTimeBudgetIsStoppedAtTheNextFieldWithACodeAndNoData()
    {
        // A budget of one tick is spent before the first field resolves (validation alone takes longer), so the
        // check at the field boundary stops the whole operation: one coded error, no partial data.
        using var app = new GenAuthApp(settings: new Dictionary<string, string?> { ["GenAuth:GraphQL:Timeout"] = "00:00:00.0000001" });
        var client = app.CreateGraphQLClient();

        var result = await client.PostAsync("""{ a: checkPasswordStrength(password: "x") { valid } b: checkPasswordStrength(password: "y") { valid } }""");

        Assert.Equal(4006, Code(result));
        Assert.Single(result["errors"]!.AsArray());
        Assert.Null(result["data"]);
    }

    [Fact]
    public async Task TheLimitsApplyOverWebSocketsAndEventStreams()
    {
        await using var server = new TransportTestServer();
        using var ws = await server.ConnectAsync("graphql-transport-ws");
        await ws.InitAsync();
        await ws.SendAsync(new { id = "1", type = "subscribe", payload = new { query = FragmentBomb() } });
        var error = await ws.ReceiveAsync();

        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal(4004, error.GetProperty("payload")[0].GetProperty("extensions").GetProperty("code").GetInt32());

        using var sse = new HttpRequestMessage(HttpMethod.Post, "/graphql/v2") { Content = JsonContent.Create(new { query = AliasedIntrospection(400) }) };
        sse.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await server.Http.SendAsync(sse);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"code\":4005", body);
    }

    private List<JsonElement> Outbox()
    {
        var path = Path.Combine(_app.DataDirectory, "outbox.jsonl");
        return File.Exists(path) ? File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement).ToList() : [];
    }

    /// <summary>Banana Cake Pop 18's introspection query (graphql-engine chunk, typeDepth 6, with isRepeatable and specifiedByURL).</summary>
    public const string BananaCakePopIntrospection = """
        query IntrospectionQuery {
          __schema {
            queryType { name }
            mutationType { name }
            subscriptionType { name }
            types { ...FullType }
            directives { name description isRepeatable locations args { ...InputValue } }
          }
        }
        fragment FullType on __Type {
          kind name description specifiedByURL
          fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
          inputFields { ...InputValue }
          interfaces { ...TypeRef }
          enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
          possibleTypes { ...TypeRef }
        }
        fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
        fragment TypeRef on __Type {
          kind name
          ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }
        }
        """;
}
