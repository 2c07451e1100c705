using System.Net;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.QrLogin;
using Microsoft.Data.Sqlite;

namespace GenAuth.Tests.Operations;

/// <summary>/healthz (the process answers) and /readyz (database reachable and migrated, Redis when configured), unauthenticated, no details.</summary>
public sealed class HealthTests
{
    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(GenAuthApp app, string path)
    {
        using var response = await app.CreateClient().GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LivenessAndReadinessAnswerWithoutCredentials()
    {
        await using var app = new GenAuthApp();
        Assert.Equal((HttpStatusCode.OK, "ok"), await GetAsync(app, "/healthz"));
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await GetAsync(app, "/readyz"));
    }

    [Fact]
    public async Task NotReadyWhenTheDatabaseLacksItsMigrations()
    {
        await using var app = new GenAuthApp();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(app, "/readyz")).Status);
        // The database goes away: the next connection opens an empty one, with every migration pending (SQLite: the file
        // is deleted; PostgreSQL: the server's database is dropped and created again, empty).
        if (app.OnPostgres)
        {
            PostgresServer.Drop(app.DataDirectory);
            PostgresServer.DatabaseFor(app.DataDirectory, migrated: false);
        }
        else
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(app.DataDirectory, "genauth.db*"))
                File.Delete(file);
        }
        var (status, body) = await GetAsync(app, "/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        // Note: the status word only; which check failed and why stays in the server.
        Assert.Equal("Unhealthy", body);
        Assert.Equal((HttpStatusCode.OK, "ok"), await GetAsync(app, "/healthz"));
    }

    [Fact]
    public async Task NotReadyWhileRedisIsDown()
    {
        var redis = new RedisServer();
        try
        {
            await using var app = new GenAuthApp(settings: new Dictionary<string, string?> { ["GenAuth:Redis"] = redis.Configuration });
            Assert.Equal((HttpStatusCode.OK, "Healthy"), await GetAsync(app, "/readyz"));
            redis.Dispose();
            var (status, body) = await GetAsync(app, "/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.DoesNotContain("redis", body, StringComparison.OrdinalIgnoreCase);
            Assert.Equal((HttpStatusCode.OK, "ok"), await GetAsync(app, "/healthz"));
        }
        finally
        {
            redis.Dispose();
        }
    }
}
