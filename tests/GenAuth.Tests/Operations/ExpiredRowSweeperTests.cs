using GenAuth.Core.Codes;
using GenAuth.Core.Maintenance;
using GenAuth.Core.Mfa;
using GenAuth.Core.QrLogin;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Operations;

/// <summary>Expired MFA enrolments and challenges, codes and QR codes are removed past their grace; live ones stay.</summary>
public sealed class ExpiredRowSweeperTests
{
    private static async Task SeedAsync(GenAuthApp app, string userId, string tag, DateTime expiresAt)
    {
        await app.QueryDbAsync(async db =>
        {
            var now = DateTime.UtcNow;
            db.MfaEnrollments.Add(new MfaEnrollment
            {
                Id = "enr-" + tag, UserPoolId = app.UserPoolId, UserId = userId, FactorType = FactorTypes.Sms, TokenHash = [1],
                CreatedAt = now, ExpiresAt = expiresAt,
            });
            db.MfaChallenges.Add(new MfaChallenge
            {
                Id = "chl-" + tag, UserPoolId = app.UserPoolId, UserId = userId, Method = "password:email", TokenHash = [2],
                CreatedAt = now, ExpiresAt = expiresAt,
            });
            db.VerificationCodes.Add(new VerificationCode
            {
                Id = "code-" + tag, UserPoolId = app.UserPoolId, Channel = CodeService.Sms, Target = "+86138" + tag.Length, Scene = "login",
                CodeHash = [3], MaxAttempts = 5, CreatedAt = now, ExpiresAt = expiresAt,
            });
            db.QrCodes.Add(new QrCode
            {
                Id = "qr-" + tag, UserPoolId = app.UserPoolId, CreatedAt = now, UpdatedAt = now, ExpiresAt = expiresAt,
            });
            return await db.SaveChangesAsync();
        });
    }

    private static Task<string[]> IdsAsync(GenAuthApp app) => app.QueryDbAsync(async db =>
        (await db.MfaEnrollments.Select(e => e.Id).ToListAsync())
        .Concat(await db.MfaChallenges.Select(c => c.Id).ToListAsync())
        .Concat(await db.VerificationCodes.Where(c => c.Id.StartsWith("code-")).Select(c => c.Id).ToListAsync())
        .Concat(await db.QrCodes.Select(q => q.Id).ToListAsync())
        .Order().ToArray());

    [Fact]
    public async Task ASweepRemovesRowsPastTheirGraceOnly()
    {
        await using var app = new GenAuthApp();
        var (userId, _) = await app.CreateGraphQLClient().RegisterAndLoginAsync($"s{Guid.NewGuid():N}@example.com");
        await SeedAsync(app, userId, "old", DateTime.UtcNow.AddHours(-2));
        await SeedAsync(app, userId, "recent", DateTime.UtcNow.AddMinutes(-10));
        await SeedAsync(app, userId, "live", DateTime.UtcNow.AddMinutes(10));

        var result = await app.Services.GetRequiredService<ExpiredRowSweeper>().SweepAsync(CancellationToken.None);

        Assert.Equal(new SweepResult(1, 1, 1, 1), result);
        Assert.Equal(new[] { "chl-live", "chl-recent", "code-live", "code-recent", "enr-live", "enr-recent", "qr-live", "qr-recent" },
            await IdsAsync(app));
        Assert.Equal(0, (await app.Services.GetRequiredService<ExpiredRowSweeper>().SweepAsync(CancellationToken.None)).Total);
    }

    [Fact]
    public async Task TheBackgroundServiceSweepsOnItsInterval()
    {
        await using var app = new GenAuthApp(settings: new Dictionary<string, string?>
        {
            ["GenAuth:Sweeper:IntervalSeconds"] = "1",
            ["GenAuth:Sweeper:GraceMinutes"] = "0",
            ["GenAuth:Sweeper:Batch"] = "1",
        });
        var (userId, _) = await app.CreateGraphQLClient().RegisterAndLoginAsync($"b{Guid.NewGuid():N}@example.com");
        await SeedAsync(app, userId, "a", DateTime.UtcNow.AddSeconds(-1));
        await SeedAsync(app, userId, "b", DateTime.UtcNow.AddSeconds(-1));
        await SeedAsync(app, userId, "live", DateTime.UtcNow.AddMinutes(10));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string[] ids;
        while ((ids = await IdsAsync(app)).Length > 4 && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.Equal(new[] { "chl-live", "code-live", "enr-live", "qr-live" }, ids);
    }
}
