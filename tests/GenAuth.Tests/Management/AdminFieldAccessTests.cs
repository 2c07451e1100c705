using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using GenAuth.GraphQL.Common;
using GenAuth.Tests.Infrastructure;
using GraphQL.Types;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Management;

/// <summary>
/// QUALITY R6, driven by the live schema: every root field declares who may call it (FieldAccess metadata), and every
/// field declared admin-only refuses another pool's management token, an end-user token and no token. A new field is
/// covered the moment it is added; one that declares nothing fails the first test. The same holds for subscription fields
/// (refused over SSE) and for the REST paths under /api: every one is admin-only unless listed in <see cref="NotAdminRest"/>.
/// </summary>
public sealed class AdminFieldAccessTests : IDisposable
{
    private static readonly string[] Levels = [FieldAccess.Admin, FieldAccess.AdminOrSelf, FieldAccess.User, FieldAccess.Public];
    private readonly GenAuthApp _app = new();
    private readonly GraphQLClient _client;

    public AdminFieldAccessTests() => _client = _app.CreateGraphQLClient();

    public void Dispose() => _app.Dispose();

    [Fact]
    public void EveryRootQueryMutationAndSubscriptionFieldDeclaresWhoMayCallIt()
    {
        var undeclared = RootFields().Concat(SubscriptionFields()).Where(f => !Levels.Contains(f.Field.AccessOf())).Select(f => $"{f.Operation} {f.Field.Name}").ToList();

        Assert.True(undeclared.Count == 0,
            "Declare access with .AdminOnly(), .AdminOrSelfAccess(), .UserAccess() or .PublicAccess() on: " + string.Join(", ", undeclared));
    }

    [Fact]
    public void TheSchemaHasAdminFieldsToCheck()
    {
        Assert.Contains(RootFields(), f => f.Field.AccessOf() == FieldAccess.Admin && f.Field.Name == "users");
        Assert.Contains(RootFields(), f => f.Field.AccessOf() == FieldAccess.Admin && f.Field.Name == "setUdf");
    }

    [Fact]
    public async Task EveryAdminFieldRefusesAnotherPoolsManagementTokenAnEndUserTokenAndNoToken()
    {
        var b = await _app.CreatePoolAsync();
        var adminOfB = await _client.ManagementTokenAsync(b.Secret, b.Pool.Id);
        var (_, endUser) = await _client.RegisterAndLoginAsync("access-check@example.com");
        var failures = new List<string>();

        foreach (var (operation, field) in RootFields().Where(f => f.Field.AccessOf() == FieldAccess.Admin))
        {
            var document = DocumentFor(operation, field);
            foreach (var (who, token, codes) in new[]
                     {
                         ("another pool's management token", adminOfB, new[] { 2020, 1010001 }),
                         ("an end-user token", endUser, new[] { 403 }),
                         ("no token", (string?)null, new[] { 2020 }),
                     })
            {
                var result = await _client.PostAsync(document, token: token);
                var code = result["errors"]?[0]?["extensions"]?["code"]?.GetValue<int>();
                var data = result["data"]?[field.Name];
                if (code is null || !codes.Contains(code.Value) || data is not null)
                    failures.Add($"{field.Name} with {who}: {result.ToJsonString()}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task AdminOrSelfFieldsRefuseAnotherPoolsManagementToken()
    {
        var b = await _app.CreatePoolAsync();
        var adminOfB = await _client.ManagementTokenAsync(b.Secret, b.Pool.Id);
        var failures = new List<string>();

        foreach (var (operation, field) in RootFields().Where(f => f.Field.AccessOf() == FieldAccess.AdminOrSelf))
        {
            var result = await _client.PostAsync(DocumentFor(operation, field), token: adminOfB);
            var code = result["errors"]?[0]?["extensions"]?["code"]?.GetValue<int>();
            if (code is not (2020 or 1010001 or 403) || result["data"]?[field.Name] is not null)
                failures.Add($"{field.Name}: {result.ToJsonString()}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task EveryAdminSubscriptionFieldIsRefusedAndPublicOnesAnswerWithoutAToken()
    {
        var b = await _app.CreatePoolAsync();
        var adminOfB = await _client.ManagementTokenAsync(b.Secret, b.Pool.Id);
        var (_, endUser) = await _client.RegisterAndLoginAsync("sub-access@example.com");
        var failures = new List<string>();
        var fields = SubscriptionFields();
        Assert.Contains(fields, f => f.Field.Name == "qrCodeStatusChanged");

        foreach (var (_, field) in fields)
        {
            var document = DocumentFor("subscription", field);
            if (field.AccessOf() == FieldAccess.Admin)
            {
                foreach (var (who, token, codes) in new[]
                         {
                             ("another pool's management token", adminOfB, new[] { 2020, 1010001 }),
                             ("an end-user token", endUser, new[] { 403 }),
                             ("no token", (string?)null, new[] { 2020 }),
                         })
                {
                    var first = await FirstEventAsync(document, token);
                    var code = first["errors"]?[0]?["extensions"]?["code"]?.GetValue<int>();
                    if (code is null || !codes.Contains(code.Value) || first["data"]?[field.Name] is not null)
                        failures.Add($"{field.Name} with {who}: {first.ToJsonString()}");
                }
            }
            else if (field.AccessOf() == FieldAccess.Public)
            {
                // Public: whatever the arguments' outcome, never a refusal for want of a token.
                var first = await FirstEventAsync(document, null);
                if (first["errors"]?[0]?["extensions"]?["code"]?.GetValue<int>() is 2020 or 403 or 1010001)
                    failures.Add($"{field.Name} without a token: {first.ToJsonString()}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>The first event of a subscription over SSE (data or errors).</summary>
    private async Task<JsonNode> FirstEventAsync(string document, string? token)
    {
        using var request = _client.NewRequest(HttpMethod.Post, GenAuthApp.GraphQLPath, token);
        request.Content = new StringContent(new JsonObject { ["query"] = document }.ToJsonString(), Encoding.UTF8, "application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await _client.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
            return JsonNode.Parse(await response.Content.ReadAsStringAsync(cts.Token))!;
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        while (await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
                return JsonNode.Parse(line[5..])!;
        }
        throw new Xunit.Sdk.XunitException("The event stream ended without an event");
    }

    /// <summary>
    /// REST paths under /api that are not admin-only, with who may call them; every other path there must refuse another
    /// pool's management token, an end-user token and no token. A new path is admin-only until listed here.
    /// </summary>
    private static readonly Dictionary<string, string> NotAdminRest = new()
    {
        // No caller needed: the QR browser side, discovery, sends and code sign-ups, logout (idempotent), the verify link.
        ["GET /api/qrcode/check"] = FieldAccess.Public, ["GET /api/v2/qrcode/check"] = FieldAccess.Public,
        ["GET /api/qrcode/image/{file}"] = FieldAccess.Public, ["GET /api/v2/qrcode/image/{file}"] = FieldAccess.Public,
        ["POST /api/qrcode/gene"] = FieldAccess.Public, ["POST /api/v2/qrcode/gene"] = FieldAccess.Public,
        ["GET /api/v2/.well-known"] = FieldAccess.Public, ["GET /api/v2/email/verify"] = FieldAccess.Public,
        ["GET /api/v2/logout"] = FieldAccess.Public, ["POST /api/v2/logout"] = FieldAccess.Public,
        ["POST /api/v2/login/email-code"] = FieldAccess.Public, ["POST /api/v2/register/email-code"] = FieldAccess.Public,
        ["POST /api/v2/sms/send"] = FieldAccess.Public,
        // Directory logins (the SDK's loginByLdap / loginByAd) and the link URL (its id_token is the argument).
        ["POST /api/v2/ldap/verify-user"] = FieldAccess.Public, ["POST /api/v2/ad/verify-user"] = FieldAccess.Public,
        ["GET /api/v3/generate-link-extidp-url"] = FieldAccess.Public,
        ["GET /api/v3/get-identities"] = FieldAccess.User, ["POST /api/v3/unlink-extidp"] = FieldAccess.User,
        // The SDK's validateToken: the token to check is the argument, no caller token needed.
        ["GET /api/v2/oidc/validate_token"] = FieldAccess.Public,
        // The user's tokens travel in the body.
        ["POST /api/users/link"] = FieldAccess.Public, ["POST /api/v2/users/link"] = FieldAccess.Public, ["POST /api/v2/users/unlink"] = FieldAccess.Public,
        // The signed-in user (the app side of QR login, the user's own data); or the mfaToken of a 1635 answer.
        ["POST /api/qrcode/scanned"] = FieldAccess.User, ["POST /api/qrcode/confirm"] = FieldAccess.User, ["POST /api/qrcode/cancel"] = FieldAccess.User,
        ["POST /api/v2/qrcode/scanned"] = FieldAccess.User, ["POST /api/v2/qrcode/confirm"] = FieldAccess.User, ["POST /api/v2/qrcode/cancel"] = FieldAccess.User,
        ["GET /api/v2/users/me/applications/allowed"] = FieldAccess.User, ["GET /api/v2/users/me/orgs"] = FieldAccess.User,
        ["GET /api/v2/users/me/security-level"] = FieldAccess.User, ["POST /api/v2/upload"] = FieldAccess.User,
        ["GET /api/v2/mfa/authenticator"] = FieldAccess.User, ["POST /api/v2/mfa/totp/associate"] = FieldAccess.User,
        ["POST /api/v2/mfa/totp/associate/confirm"] = FieldAccess.User, ["DELETE /api/v2/mfa/totp/associate"] = FieldAccess.User,
        ["POST /api/v2/mfa/totp/verify"] = FieldAccess.User, ["POST /api/v2/mfa/totp/recovery"] = FieldAccess.User,
        ["POST /api/v2/applications/mfa/check"] = FieldAccess.User, ["POST /api/v2/applications/mfa/email/verify"] = FieldAccess.User,
        ["POST /api/v2/applications/mfa/sms/verify"] = FieldAccess.User,
        // A tenant's admin uses their own token (tenants they administer; anything else 403), and a user's own devices
        // and events.
        ["GET /api/v2/tenants"] = FieldAccess.User, ["GET /api/v2/orgs/by-tenant"] = FieldAccess.User,
        ["GET /api/v3/mydevices/list"] = FieldAccess.User, ["POST /api/v3/create-device"] = FieldAccess.User,
        ["POST /api/v3/mydevices/revoke-session"] = FieldAccess.User, ["POST /api/v3/mydevices/unbind"] = FieldAccess.User,
        ["POST /api/v3/pub-userEvent"] = FieldAccess.User,
        // Face MFA (not supported: 2651 for every caller), the v3 sign-in (credentials in the body).
        ["POST /api/v2/mfa/face/associate"] = FieldAccess.Public, ["POST /api/v2/mfa/face/verify"] = FieldAccess.Public,
        ["POST /api/v3/signin"] = FieldAccess.Public,
        // The SDK's enterprise.authorize: an app's public sign-in config, and the OIDC popup's announcement.
        ["GET /api/v2/applications/{id}/public-config"] = FieldAccess.Public,
        ["POST /api/v2/connections/oidc/start-interaction"] = FieldAccess.Public,
        // Principal authentication (not supported: 2651 after the caller check).
        ["GET /api/v2/users/principal_authentication"] = FieldAccess.User, ["POST /api/v2/users/principal_authentication"] = FieldAccess.User,
    };

    [Fact]
    public async Task EveryAdminRestPathRefusesAnotherPoolsManagementTokenAnEndUserTokenAndNoToken()
    {
        var b = await _app.CreatePoolAsync();
        var adminOfB = await _client.ManagementTokenAsync(b.Secret, b.Pool.Id);
        await _client.RegisterAndLoginAsync("rest-access@example.com");
        var routes = RestRoutes();
        var failures = new List<string>();
        Assert.Contains("GET /api/v2/users/{id}", routes);
        Assert.Contains("POST /api/v2/users/kick", routes);
        Assert.Empty(NotAdminRest.Keys.Except(routes)); // the list names only paths that exist

        foreach (var route in routes.Where(r => !NotAdminRest.ContainsKey(r)))
        {
            var (method, pattern) = (route[..route.IndexOf(' ')], route[(route.IndexOf(' ') + 1)..]);
            var path = pattern.Replace("{id}", "5f0000000000000000000c01").Replace("{code}", "c01").Replace("{file}", "c01.png");
            // Note: a fresh end-user session per path, since some paths (logout) end the one they are called with.
            var endUser = GraphQLClient.Success(await _client.LoginByEmailAsync("rest-access@example.com"), "loginByEmail")["token"]!.GetValue<string>();
            foreach (var (who, token, codes) in new[]
                     {
                         ("another pool's management token", adminOfB, new[] { 2020, 1010001 }),
                         ("an end-user token", endUser, new[] { 403 }),
                         ("no token", (string?)null, new[] { 2020 }),
                     })
            {
                using var request = _client.NewRequest(new HttpMethod(method), path, token);
                if (method is "POST" or "PUT" or "PATCH")
                    request.Content = new StringContent(WellFormedBody, Encoding.UTF8, "application/json");
                using var response = await _client.Http.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                var code = (int)response.StatusCode >= 500 ? (int?)null : TryParse(text)?["code"]?.GetValue<int>();
                if (code is null || !codes.Contains(code.Value) || TryParse(text)?["data"] is { } data && data.GetValueKind() != System.Text.Json.JsonValueKind.Null)
                    failures.Add($"{route} with {who}: {(int)response.StatusCode} {text}");
            }
        }

        foreach (var route in routes.Where(r => NotAdminRest.GetValueOrDefault(r) == FieldAccess.User))
        {
            var (method, pattern) = (route[..route.IndexOf(' ')], route[(route.IndexOf(' ') + 1)..]);
            using var request = _client.NewRequest(new HttpMethod(method), pattern);
            if (method is "POST" or "PUT" or "PATCH")
                request.Content = new StringContent(WellFormedBody, Encoding.UTF8, "application/json");
            using var response = await _client.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode >= 500 || TryParse(text)?["code"]?.GetValue<int>() is null or 200)
                failures.Add($"{route} (user) with no token: {(int)response.StatusCode} {text}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    // Note: well-formed enough that a path checking its body before its caller still gets to the caller check.
    private const string WellFormedBody = """{"ids":["5f0000000000000000000c01"],"userIds":["5f0000000000000000000c01"],"name":"n","code":"c01"}""";

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>"METHOD /pattern" of every endpoint under /api, read from the running app's routing.</summary>
    private List<string> RestRoutes() =>
        _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => $"{m} {e.RoutePattern.RawText!.Replace(GenAuth.Server.Compat.ManagementEndpoints.Id, "{id}")}"))
            .Distinct().Order(StringComparer.Ordinal).ToList();

    private List<(string Operation, IFieldType Field)> SubscriptionFields()
    {
        var schema = _app.Services.GetRequiredService<GenAuthSchema>();
        schema.Initialize();
        return schema.Subscription?.Fields.Select(f => ("subscription", (IFieldType)f)).ToList() ?? [];
    }

    private List<(string Operation, IFieldType Field)> RootFields()
    {
        var schema = _app.Services.GetRequiredService<GenAuthSchema>();
        schema.Initialize();
        return schema.Query.Fields.Select(f => ("query", (IFieldType)f))
            .Concat(schema.Mutation!.Fields.Select(f => ("mutation", (IFieldType)f))).ToList();
    }

    /// <summary>A valid document calling the field with every required argument filled in and a __typename selection.</summary>
    private static string DocumentFor(string operation, IFieldType field)
    {
        var args = field.Arguments?.Where(a => a.ResolvedType is NonNullGraphType).Select(a => $"{a.Name}: {Value(a.ResolvedType!)}").ToList() ?? [];
        var call = args.Count == 0 ? field.Name : $"{field.Name}({string.Join(", ", args)})";
        return $"{operation} {{ {call}{Selection(field.ResolvedType!)} }}";
    }

    private static string Selection(IGraphType type) => type switch
    {
        NonNullGraphType n => Selection(n.ResolvedType!),
        ListGraphType l => Selection(l.ResolvedType!),
        IComplexGraphType or IAbstractGraphType => " { __typename }",
        _ => "",
    };

    private static string Value(IGraphType type) => type switch
    {
        NonNullGraphType n => Value(n.ResolvedType!),
        ListGraphType l => $"[{Value(l.ResolvedType!)}]",
        EnumerationGraphType e => e.Values.First().Name,
        IntGraphType => "1",
        FloatGraphType => "1.5",
        BooleanGraphType => "false",
        IInputObjectGraphType input => "{ " + string.Join(", ", input.Fields.Where(f => f.ResolvedType is NonNullGraphType)
            .Select(f => $"{f.Name}: {Value(f.ResolvedType!)}")) + " }",
        _ => "\"5f0000000000000000000c01\"",
    };
}
