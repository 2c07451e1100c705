using GenAuth.Core.Data;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Hosting;

/// <summary>
/// Every connection the server opens lets SQLite wait for the write lock instead of failing busy at once. SQLite only
/// (PRAGMA busy_timeout): the server runs on SQLite in every run, tests/run --postgres included.
/// </summary>
public sealed class SqliteBusyTimeoutTests
{
    [Fact]
    public async Task Every_connection_the_server_opens_waits_for_the_write_lock()
    {
        await using var app = new GenAuthApp(settings: GenAuthApp.OnSqlite());
        _ = app.CreateClient();
        for (var i = 0; i < 2; i++)
        {
            // Two scopes: the second connection comes from the pool, and must carry the setting too.
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GenAuthDbContext>();
            var timeout = await db.Database.SqlQueryRaw<int>("SELECT timeout AS Value FROM pragma_busy_timeout").SingleAsync();
            Assert.Equal(SqliteBusyTimeout.Milliseconds, timeout);
        }
    }
}
