using System.Text.Json.Nodes;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Management;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Tenants;

/// <summary>
/// Issue 15's tenants, devices and custom events, the abuse side: another pool's tenants, devices and users don't
/// exist for an admin (2580/2585/2004/2043); a tenant's admin manages only that tenant (403); a disabled or suspended
/// device ends its sessions and refuses sign-ins (2586/2587); custom events land in the pool's event log only.
/// </summary>
public sealed class TenantDeviceAbuseTests : ManagementTestBase
{
    private const string Agent = "TenantDeviceTests/1.0";

    private static JsonNode Data(JsonNode envelope)
    {
        Assert.True(envelope["code"]!.GetValue<int>() == 200, envelope.ToJsonString());
        return envelope["data"]!;
    }

    private static int RestCode(JsonNode envelope) => envelope["code"]!.GetValue<int>();

    private async Task<string> CreateTenantAsync(string name, string? token = null, IReadOnlyDictionary<string, string>? headers = null) =>
        Data(await RestAsync(HttpMethod.Post, "/api/v2/tenant", new { name, appIds = "" }, token ?? Admin, headers))["id"]!.GetValue<string>();

    [Fact]
    public async Task AnotherPoolsTenantsUsersAndAppsDontExistForThisPoolsAdmin()
    {
        var b = await App.CreatePoolAsync();
        var adminB = await Client.ManagementTokenAsync(b.Secret, b.Pool.Id);
        var inB = new Dictionary<string, string> { ["x-authing-userpool-id"] = b.Pool.Id };
        var tenantOfB = await CreateTenantAsync("of-b", adminB, inB);
        var (userOfB, _) = await App.CreateGraphQLClient(b.Pool.Id).RegisterAndLoginAsync("tenant-b@example.com");
        var tenantOfA = await CreateTenantAsync("of-a");

        Assert.Equal(2580, RestCode(await RestAsync(HttpMethod.Get, $"/api/v2/tenant/{tenantOfB}", token: Admin)));
        Assert.Equal(2580, RestCode(await RestAsync(HttpMethod.Post, $"/api/v2/tenant/{tenantOfB}", new { name = "taken" }, Admin)));
        Assert.Equal(2580, RestCode(await RestAsync(HttpMethod.Delete, $"/api/v2/tenant/{tenantOfB}", token: Admin)));
        Assert.Equal(2580, RestCode(await RestAsync(HttpMethod.Get, $"/api/v2/tenant/{tenantOfB}/users", token: Admin)));
        Assert.Equal(2580, RestCode(await RestAsync(HttpMethod.Put, $"/api/v2/tenant/{tenantOfB}/admin", new { userIds = new[] { userOfB } }, Admin)));
        // B's user can't join A's tenant, B's app can't be given to it; nothing is written.
        Assert.Equal(2004, RestCode(await RestAsync(HttpMethod.Post, $"/api/v2/tenant/{tenantOfA}/user", new { userIds = new[] { userOfB } }, Admin)));
        Assert.Equal(2043, RestCode(await RestAsync(HttpMethod.Post, $"/api/v2/tenant/{tenantOfA}", new { appIds = b.App.Id }, Admin)));
        Assert.Equal(2004, RestCode(await RestAsync(HttpMethod.Get, $"/api/v2/users/{userOfB}/tenants", token: Admin)));
        Assert.Equal(0, await App.QueryDbAsync(db => db.TenantMembers.IgnoreQueryFilters().CountAsync(m => m.UserId == userOfB)));
        // A's management token is refused in B's pool altogether (not a token of that pool).
        Assert.Equal(1010001, RestCode(await RestAsync(HttpMethod.Get, $"/api/v2/tenant/{tenantOfB}", token: Admin, headers: inB)));
        Assert.Equal("of-b", Data(await RestAsync(HttpMethod.Get, $"/api/v2/tenant/{tenantOfB}", token: adminB, headers: inB))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task ATenantsAdminManagesOnlyThatTenant()
    {
        var mine = await CreateTenantAsync("mine");
        var other = await CreateTenantAsync("other");
        var (adminUser, adminToken) = await Client.RegisterAndLoginAsync("tenant-admin@example.com");
        var (memberUser, memberToken) = await Client.RegisterAndLoginAsync("tenant-member@example.com");
        Data(await RestAsync(HttpMethod.Put, $"/api/v2/tenant/{mine}/admin", new { userIds = new[] { adminUser } }, Admin));
        Data(await RestAsync(HttpMethod.Post, $"/api/v2/tenant/{mine}/user", new { userIds = new[] { memberUser } }, Admin));

        // Their own tenant: read, update, members.
        Assert.Equal("mine", Data(await RestAsync(HttpMethod.Get, $"/api/v2/tenant/{mine}", token: adminToken))["name"]!.GetValue<string>());
        Assert.Equal("renamed", Data(await RestAsync(HttpMethod.Post, $"/api/v2/tenant/{mine}", new { name = "renamed", css = ".a{}" }, adminToken))
            ["name"]!.GetValue<string>());
        Assert.Equal(2, Data(await RestAsync(HttpMethod.Get, $"/api/v2/tenant/{mine}/users", token: adminToken))["listTotal"]!.GetValue<int>());
        var list = Data(await RestAsync(HttpMethod.Get, "/api/v2/tenants", token: adminToken));
        Assert.Equal(mine, Assert.Single(list["list"]!.AsArray())!["id"]!.GetValue<string>());

        // Another tenant (existing or not), the pool's decisions (create, delete, admins, apps): 403.
        Assert.Equal(403, RestCode(await RestAsync(HttpMethod.Get, $"/api/v2/tenant/{other}", token: adminToken)));
        Assert.Equal(403, RestCode(await RestAsync(HttpMethod.Get, "/api/v2/tenant/5f00000000000000000fff01", token: adminToken)));
        Assert.Equal(403, RestCode(await RestAsync(HttpMethod.Post, $"/api/v2/tenant/{other}", new { name = "mine now" }, adminToken)));
        Assert.Equal(403, RestCode(await RestAsync(HttpMethod.Post, $"/api/v2/tenant/{other}/user", new { userIds = new[] { adminUser } }, adminToken)));
        Assert.Equal(403, RestCode(await RestAsync(HttpMethod.Post, "/api/v2/tenant", new { name = "new" }, adminToken)));
        Assert.Equal(403, RestCode(await RestAsync(HttpMethod.Delete, $"/api/v2/tenant/{mine}", token: adminToken)));
        Assert.Equal(403, RestCode(await RestAsync(HttpMethod.Put, $"/api/v2/tenant/{mine}/admin", new { userIds = new[] { memberUser } }, adminToken)));
        Assert.Equal(403, RestCode(await RestAsync(HttpMethod.Post, $"/api/v2/tenant/{mine}", new { appIds = App.AppId }, adminToken)));
        Assert.Equal("other", await App.QueryDbAsync(db => db.Tenants.Where(t => t.Id == other).Select(t => t.Name).SingleAsync()));
        Assert.False(await App.QueryDbAsync(db => db.TenantMembers.AnyAsync(m => m.TenantId == mine && m.UserId == memberUser && m.IsAdmin)));

        // A member who is no admin manages nothing; without a token nobody does.
        Assert.Equal(403, RestCode(await RestAsync(HttpMethod.Get, $"/api/v2/tenant/{mine}", token: memberToken)));
        Assert.Equal(2020, RestCode(await RestAsync(HttpMethod.Get, $"/api/v2/tenant/{mine}")));

        // Once the pool's admin removes the admin flag, the tenant is closed to them too.
        Data(await RestAsync(HttpMethod.Delete, $"/api/v2/tenant/{mine}/admin/{adminUser}", token: Admin));
        Assert.Equal(403, RestCode(await RestAsync(HttpMethod.Get, $"/api/v2/tenant/{mine}", token: adminToken)));
    }

    [Fact]
    public async Task ADisabledOrSuspendedDeviceEndsItsSessionsAndRefusesSignIns()
    {
        var ua = new Dictionary<string, string> { ["User-Agent"] = Agent };
        Assert.Equal(200, RestCode(await RestAsync(HttpMethod.Post, "/api/v3/metadata/filter", new { modelId = "device" }, Admin)));
        var (userId, _) = await Client.RegisterAndLoginAsync("device@example.com");
        var token = GraphQLClient.Success(await Client.LoginByEmailAsync("device@example.com", headers: ua), "loginByEmail")["token"]!.GetValue<string>();
        var devices = Data(await RestAsync(HttpMethod.Get, "/api/v3/mydevices/list", token: token, headers: ua)).AsArray();
        var device = devices.Single(d => d!["device"]!["userAgent"]?.GetValue<string>() == Agent)!;
        var deviceId = device["device"]!["id"]!.GetValue<string>();
        Assert.True(device["online"]!.GetValue<bool>());

        Data(await RestAsync(HttpMethod.Post, "/api/v3/disable-device", new { id = deviceId }, Admin));
        // The session is over: its token is refused like any revoked one.
        Assert.Equal(1010001, RestCode(await RestAsync(HttpMethod.Get, "/api/v3/mydevices/list", token: token, headers: ua)));
        Assert.Equal(2586, GraphQLClient.ErrorCode(await Client.LoginByEmailAsync("device@example.com", headers: ua)));
        // Another user agent is another device.
        GraphQLClient.Success(await Client.LoginByEmailAsync("device@example.com"), "loginByEmail");
        // The same user agent with a fingerprint is another device too; a fingerprint of a disabled device is refused.
        var withFp = new Dictionary<string, string> { ["User-Agent"] = Agent, ["x-authing-device-id"] = "fp-1" };
        var fpToken = GraphQLClient.Success(await Client.LoginByEmailAsync("device@example.com", headers: withFp), "loginByEmail")["token"]!.GetValue<string>();
        var fpDevice = Data(await RestAsync(HttpMethod.Post, "/api/v3/create-device", new { deviceUniqueId = "fp-1", name = "laptop" }, fpToken, withFp));
        Assert.Equal("laptop", fpDevice["name"]!.GetValue<string>());
        Data(await RestAsync(HttpMethod.Post, "/api/v3/suspend-device",
            new { id = fpDevice["id"]!.GetValue<string>(), endTime = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds() }, Admin));
        Assert.Equal(2587, GraphQLClient.ErrorCode(await Client.LoginByEmailAsync("device@example.com", headers: withFp)));
        Assert.Equal("suspended", Data(await RestAsync(HttpMethod.Post, "/api/v3/device-status", new { id = fpDevice["id"]!.GetValue<string>() }, Admin))
            ["status"]!.GetValue<string>());
        // A suspension in the past is refused, nothing changes.
        Assert.Equal(400, RestCode(await RestAsync(HttpMethod.Post, "/api/v3/suspend-device", new { id = deviceId, endTime = 1000 }, Admin)));

        // Enabled again: sign-ins from it work again.
        Data(await RestAsync(HttpMethod.Post, "/api/v3/enable-device", new { id = deviceId }, Admin));
        GraphQLClient.Success(await Client.LoginByEmailAsync("device@example.com", headers: ua), "loginByEmail");
        // Per user: disabled for this user only.
        Data(await RestAsync(HttpMethod.Post, "/api/v3/disable-device-by-user", new { id = deviceId, userId }, Admin));
        Assert.Equal(2586, GraphQLClient.ErrorCode(await Client.LoginByEmailAsync("device@example.com", headers: ua)));
        await Client.RegisterByEmailAsync("device-2@example.com");
        GraphQLClient.Success(await Client.LoginByEmailAsync("device-2@example.com", headers: ua), "loginByEmail");
        Assert.Equal(0, await App.QueryDbAsync(db => db.Sessions.CountAsync(s => s.UserId == userId && s.DeviceId == deviceId && s.RevokedAt == null)));
    }

    [Fact]
    public async Task DevicesAreAdminOnlyAndOfOnePool()
    {
        var (_, token) = await Client.RegisterAndLoginAsync("device-user@example.com");
        var ua = new Dictionary<string, string> { ["User-Agent"] = Agent };
        var deviceId = await App.QueryDbAsync(db => db.Devices.Select(d => d.Id).FirstAsync());
        var b = await App.CreatePoolAsync();
        var adminB = await Client.ManagementTokenAsync(b.Secret, b.Pool.Id);
        var inB = new Dictionary<string, string> { ["x-authing-userpool-id"] = b.Pool.Id };

        Assert.Equal(2585, RestCode(await RestAsync(HttpMethod.Post, "/api/v3/disable-device", new { id = deviceId }, adminB, inB)));
        Assert.Equal(2585, RestCode(await RestAsync(HttpMethod.Get, $"/api/v3/metadata/get-row?modelId=device&rowId={deviceId}", token: adminB, headers: inB)));
        Assert.Equal(403, RestCode(await RestAsync(HttpMethod.Post, "/api/v3/disable-device", new { id = deviceId }, token)));
        Assert.Equal(2020, RestCode(await RestAsync(HttpMethod.Post, "/api/v3/delete-device", new { id = deviceId })));
        Assert.Equal(2651, RestCode(await RestAsync(HttpMethod.Post, "/api/v3/metadata/filter", new { modelId = "orders" }, Admin)));
        // A user's own device paths name only their devices.
        Assert.Equal(2585, RestCode(await RestAsync(HttpMethod.Post, "/api/v3/mydevices/unbind", new { deviceId = "5f00000000000000000fff01" }, token, ua)));
        Assert.Equal("activated", await App.QueryDbAsync(db => db.Devices.Where(d => d.Id == deviceId).Select(d => d.Status).SingleAsync()));
    }

    [Fact]
    public async Task PublishedEventsLandInThisPoolsEventLogOnly()
    {
        Data(await RestAsync(HttpMethod.Post, "/api/v3/pub-event", new { eventType = "order.paid", source = "shop", eventData = "{\"n\":1}" }, Admin));
        var (userId, token) = await Client.RegisterAndLoginAsync("events@example.com");
        Data(await RestAsync(HttpMethod.Post, "/api/v3/pub-userEvent", new { eventType = "cart.viewed", eventData = "x" }, token));

        var events = await App.QueryDbAsync(db => db.AuditEvents.Where(e => e.Type.StartsWith("custom:")).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal(["custom:order.paid", "custom:cart.viewed"], events.Select(e => e.Type));
        Assert.Contains("\"eventData\":\"{\\u0022n\\u0022:1}\"", events[0].Detail);
        Assert.Equal(userId, events[1].UserId);
        // No second, generic "rest:" event for the admin's publication.
        Assert.False(await App.QueryDbAsync(db => db.AuditEvents.AnyAsync(e => e.Type.Contains("pub-event"))));

        // Bad input, no caller, a user on the admin path: refused, nothing written.
        Assert.Equal(400, RestCode(await RestAsync(HttpMethod.Post, "/api/v3/pub-event", new { eventType = "bad type!", eventData = "x" }, Admin)));
        Assert.Equal(400, RestCode(await RestAsync(HttpMethod.Post, "/api/v3/pub-event", new { eventType = "big", eventData = new string('x', 2049) }, Admin)));
        Assert.Equal(2020, RestCode(await RestAsync(HttpMethod.Post, "/api/v3/pub-userEvent", new { eventType = "anon", eventData = "x" })));
        Assert.Equal(403, RestCode(await RestAsync(HttpMethod.Post, "/api/v3/pub-event", new { eventType = "user", eventData = "x" }, token)));
        Assert.Equal(2, await App.QueryDbAsync(db => db.AuditEvents.CountAsync(e => e.Type.StartsWith("custom:"))));
        var b = await App.CreatePoolAsync();
        Assert.Equal(0, await App.QueryDbAsync(db => db.AuditEvents.CountAsync(e => e.Type.StartsWith("custom:")), b.Pool.Id));
    }
}
