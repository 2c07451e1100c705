using GenAuth.Core.Admin;
using GenAuth.Core.Passwords;
using GenAuth.Core.Profile;
using GenAuth.Core.Applications;
using GenAuth.Core.Audit;
using GenAuth.Core.Webhooks;
using GenAuth.Core.Callers;
using GenAuth.Core.CustomFields;
using GenAuth.Core.Codes;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Events;
using GenAuth.Core.QrLogin;
using GenAuth.Core.Groups;
using GenAuth.Core.Orgs;
using GenAuth.Core.Permissions;
using GenAuth.Core.Mfa;
using GenAuth.Core.Messaging;
using GenAuth.Core.Pools;
using GenAuth.Core.Roles;
using GenAuth.Core.Security;
using GenAuth.Core.Sessions;
using GenAuth.Core.SignIn;
using GenAuth.Core.Tokens;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenAuth.Core;

public static class ServiceCollectionExtensions
{
    public static IServiceCollection AddGenAuthCore(this IServiceCollection services)
    {
        services.AddOptions<GenAuthOptions>().BindConfiguration(GenAuthOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDirectory), "GenAuth:DataDirectory must be set")
            .Validate(o => o.Database.IsSqlite || o.Database.IsPostgres, "GenAuth:Database:Provider must be Sqlite or Postgres")
            .Validate(o => o.Database.UserPageBucketSize is >= 2 and <= 1_000_000, "GenAuth:Database:UserPageBucketSize must be 2 to 1000000")
            .Validate(o => o.Passwords.MemoryKiB >= 19 * 1024 && o.Passwords.Iterations >= 2,
                "Argon2id needs at least 19 MiB and 2 iterations")
            .ValidateOnStart();
        services.AddMemoryCache();
        services.AddSingleton(TimeProvider.System);
        // Note: contexts are pooled (options built once, instances reused); PoolId is reset on every rent so
        // a context never carries one request's pool filter into another.
        services.AddPooledDbContextFactory<GenAuthDbContext>((sp, b) =>
        {
            var options = sp.GetRequiredService<IOptions<GenAuthOptions>>().Value;
            PrivateFiles.CreateDirectory(options.DataDirectory);
            // Note: created 0600 before SQLite opens it, so its -wal and -shm files (which take its mode) are too.
            if (options.ConnectionString is null)
                PrivateFiles.EnsureFile(DatabaseSetup.DefaultDatabasePath(options));
            b.UseSqlite(DatabaseSetup.SqliteConnectionString(options));
            b.AddInterceptors(sp.GetRequiredService<UserCounter>(), sp.GetRequiredService<AuditNotifier>(), SqliteBusyTimeout.Instance, StoredText.Instance);
        });
        services.AddPooledDbContextFactory<PostgresGenAuthDbContext>((sp, b) =>
        {
            b.UseNpgsql(DatabaseSetup.PostgresConnectionString(sp.GetRequiredService<IConfiguration>()));
            b.AddInterceptors(sp.GetRequiredService<UserCounter>(), sp.GetRequiredService<AuditNotifier>(), StoredText.Instance);
        });
        // Note: everything asks for GenAuthDbContext; GenAuth:Database:Provider picks which pool hands it out.
#pragma warning disable EF1001 // IDbContextPool: the pool AddPooledDbContextFactory registered, reused rather than a second one
        services.AddSingleton<IDbContextFactory<GenAuthDbContext>>(sp =>
            sp.GetRequiredService<IOptions<GenAuthOptions>>().Value.Database.IsPostgres
                ? new PostgresContexts(sp.GetRequiredService<IDbContextFactory<PostgresGenAuthDbContext>>())
                : new PooledDbContextFactory<GenAuthDbContext>(sp.GetRequiredService<IDbContextPool<GenAuthDbContext>>()));
#pragma warning restore EF1001
        services.AddScoped(sp =>
        {
            var context = sp.GetRequiredService<IDbContextFactory<GenAuthDbContext>>().CreateDbContext();
            context.PoolId = null;
            return context;
        });

        services.AddSingleton<SecretSealer>();
        services.AddSingleton<PasswordHasher>();
        services.AddOptions<BruteForceOptions>().BindConfiguration("GenAuth:BruteForce")
            .Validate(o => o.AccountFailures > 0 && o.IpFailures > 0 && o.WaitIncrementSeconds > 0 && o.MaxWaitSeconds > 0,
                "GenAuth:BruteForce values must be positive")
            .Validate(o => o.SecondFactor is { LockAfter: > 0, LockSeconds: > 0, WindowSeconds: > 0, BackoffAfter: >= 0,
                BackoffSeconds: > 0, IpFailures: > 0 }, "GenAuth:BruteForce:SecondFactor values must be positive")
            .ValidateOnStart();
        services.AddSingleton<LoginThrottle>();
        services.AddOptions<QuotaOptions>().BindConfiguration("GenAuth:Quotas")
            .Validate(o => o.CaptchaShare is >= 0 and <= 1, "GenAuth:Quotas:CaptchaShare must be 0 to 1")
            .ValidateOnStart();
        services.AddSingleton<ICaptchaVerifier, NoCaptchaVerifier>();
        services.AddSingleton<QuotaGuard>();
        services.AddSingleton<SecondFactorThrottle>();
        // Counters, locks, job claims and spent single-use values: in Redis when it is configured (shared by every
        // instance; in the database while Redis is down), else in the database on PostgreSQL (several instances may share
        // it), else in this instance's memory (one SQLite instance).
        services.AddSingleton<DatabaseRateStore>();
        services.AddSingleton(sp => new RedisRateCounter(RedisConfiguration(sp)!, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RedisRateCounter>>(), sp.GetRequiredService<DatabaseRateStore>()));
        services.AddSingleton<IRateCounter>(sp => SharedStore<IRateCounter>(sp, () => new MemoryRateCounter(sp.GetRequiredService<TimeProvider>())));
        services.AddSingleton<ILockoutStore>(sp => SharedStore<ILockoutStore>(sp, () => new MemoryLockoutStore(sp.GetRequiredService<TimeProvider>())));
        services.AddSingleton<IJobLease>(sp => SharedStore<IJobLease>(sp, () => new SingleInstanceJobLease()));
        // Note: spent values go to the database even on one SQLite instance (not memory), so a restart doesn't forget a
        // spent CAS ticket or OIDC state within its lifetime; the expired-row sweeper removes them.
        services.AddSingleton<ISingleUseStore>(sp => SharedStore<ISingleUseStore>(sp, () => sp.GetRequiredService<DatabaseRateStore>()));
        services.AddSingleton<PasswordPolicy>();
        services.AddSingleton<KeyRing>();
        services.AddSingleton<PasswordTransport>();
        services.AddSingleton<IssuerProvider>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<SessionService>();
        services.AddSingleton<PoolDirectory>();
        services.AddSingleton<CallerResolver>();
        services.AddSingleton<Bootstrapper>();
        services.AddSingleton<IEventBus>(CreateEventBus);
        services.AddSingleton<QrLoginHub>();
        services.AddSingleton<UserCounter>();
        services.AddSingleton<UserPageIndex>();
        // The event log: written with each change (AuditTrail), read by queries, live feeds and the retention sweeper.
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section)
            .Validate(o => o.SweepIntervalMinutes > 0 && o.SweepBatch > 0 && o.FeedPollSeconds > 0 && o.MaxFeeds > 0
                && o.AppendQueueCapacity > 0 && o.AppendBatch > 0,
                "GenAuth:Audit values must be positive")
            .ValidateOnStart();
        services.AddSingleton<AuditNotifier>();
        services.AddSingleton<AuditFeed>();
        services.AddSingleton<AuditSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditSweeper>());
        services.AddSingleton<AuditAppender>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditAppender>());
        services.AddScoped<AuditTrail>();
        // Expired MFA enrolments and challenges, codes and QR codes: nothing else deletes them.
        services.AddOptions<Maintenance.SweeperOptions>().BindConfiguration(Maintenance.SweeperOptions.Section)
            .Validate(o => o.IntervalSeconds > 0 && o.Batch > 0 && o.GraceMinutes >= 0, "GenAuth:Sweeper values must be positive")
            .ValidateOnStart();
        services.AddSingleton<Maintenance.ExpiredRowSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<Maintenance.ExpiredRowSweeper>());
        services.AddScoped<AuditLogService>();
        // Webhooks: fed from the event log by the delivery worker (every instance runs one; leases share the work).
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section)
            .Validate(o => o.IsValid(), "GenAuth:Webhooks values must be positive (LeaseSeconds above TimeoutSeconds)")
            .ValidateOnStart();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookWorker>());
        services.AddScoped<WebhookService>();

        services.AddOptions<SmtpOptions>().BindConfiguration("GenAuth:Smtp");
        services.AddOptions<HttpSmsOptions>().BindConfiguration("GenAuth:Sms:Http");
        services.AddHttpClient(HttpSmsProvider.ClientName);
        services.AddSingleton<ISmsProvider, HttpSmsProvider>();
        services.AddSingleton<SmtpMailer>();
        services.AddSingleton<Outbox>();
        services.AddSingleton<Messenger>();
        services.AddOptions<CodeOptions>().BindConfiguration("GenAuth:Codes");
        services.AddSingleton<CodeService>();
        services.AddSingleton<RegistrationGate>();

        services.AddScoped<CallerContext>();
        services.AddScoped<AccountMailer>();
        services.AddScoped<CodeSender>();
        services.AddScoped<CodeLoginService>();
        services.AddScoped<PasswordResetService>();
        services.AddScoped<ContactService>();
        services.AddScoped<SecurityLevelService>();
        services.AddScoped<AvatarService>();
        services.AddScoped<UserPasswords>();
        services.AddScoped<UserWriter>();
        services.AddScoped<AccountService>();
        services.AddOptions<GenAuth.Core.Pipelines.PipelineOptions>().BindConfiguration(GenAuth.Core.Pipelines.PipelineOptions.Section);
        services.AddSingleton<GenAuth.Core.Pipelines.PipelineSandbox>();
        services.AddSingleton<GenAuth.Core.Pipelines.PipelineDirectory>();
        services.AddScoped<GenAuth.Core.Pipelines.PipelineRunner>();
        services.AddScoped<GenAuth.Core.Pipelines.PipelineAdminService>();
        services.AddScoped<GenAuth.Core.Pipelines.CustomDatabase>();
        services.AddScoped<SignInService>();
        services.AddScoped<SsoSignInService>();
        services.AddScoped<ExternalSignInService>();
        services.AddScoped<DirectorySignInService>();
        services.AddOptions<GenAuth.Core.ExtIdps.LdapOptions>().BindConfiguration(GenAuth.Core.ExtIdps.LdapOptions.Section);
        services.AddSingleton<GenAuth.Core.ExtIdps.DirectoryClient>();
        services.AddScoped<GenAuth.Core.ExtIdps.ExtIdpService>();
        services.AddScoped<GenAuth.Core.ExtIdps.IdentityService>();
        services.AddScoped<GenAuth.Core.ExtIdps.IdentityLinkService>();
        services.AddScoped<RegistrationService>();
        services.AddScoped<PasswordSignInService>();
        services.AddScoped<CredentialsSignInService>();
        services.AddScoped<QrSignInService>();
        services.AddScoped<PoolService>();
        services.AddScoped<LoginStatusService>();
        services.AddScoped<QrLoginService>();
        services.AddScoped<GroupService>();
        services.AddScoped<RoleService>();
        services.AddScoped<PermissionEvaluator>();
        services.AddScoped<PermissionService>();
        services.AddScoped<ResourceService>();
        services.AddScoped<PolicyService>();
        services.AddScoped<NamespaceService>();
        services.AddScoped<GenAuth.Core.Tenants.TenantService>();
        services.AddScoped<GenAuth.Core.Devices.DeviceService>();
        services.AddScoped<GenAuth.Core.Applications.AppAuthorizationService>();
        services.AddScoped<GenAuth.Core.Applications.AgreementService>();
        services.AddScoped<OrgService>();
        // Roles and Permissions clean up what refers to deleted groups, nodes and roles (hooks declared by those capabilities).
        services.AddSingleton<IGroupDeletionHook, RoleAssignmentCleanup>();
        services.AddSingleton<INodeDeletionHook, RoleAssignmentCleanup>();
        services.AddSingleton<IGroupDeletionHook, PermissionCleanup>();
        services.AddSingleton<INodeDeletionHook, PermissionCleanup>();
        services.AddSingleton<IRoleDeletionHook, PermissionCleanup>();
        services.AddScoped<UserAdminService>();
        services.AddScoped<GenAuth.Core.Admin.SubAccountService>();
        services.AddScoped<CustomFieldService>();
        services.AddScoped<WhitelistService>();
        services.AddScoped<PoolAdminService>();
        services.AddScoped<PoolSmtpService>();
        services.AddScoped<ApplicationService>();
        services.AddScoped<AccountLinkService>();

        services.AddSingleton<TotpCodes>();
        services.AddScoped<MfaGate>();
        services.AddScoped<MfaEnrollmentService>();
        services.AddScoped<MfaAdminService>();
        services.AddScoped<MfaLoginService>();
        services.AddScoped<IMfaCodeSender, CodesMfaCodeSender>();
        return services;
    }

    /// <summary>Redis pub/sub when ConnectionStrings:Redis or GenAuth:Redis is set (several instances), else in memory.</summary>
    private static IEventBus CreateEventBus(IServiceProvider sp)
    {
        var redis = RedisConfiguration(sp);
        var logs = sp.GetRequiredService<ILoggerFactory>();
        return string.IsNullOrWhiteSpace(redis)
            ? new InMemoryEventBus(logs.CreateLogger<InMemoryEventBus>())
            : new RedisEventBus(redis, logs.CreateLogger<RedisEventBus>());
    }

    private static T SharedStore<T>(IServiceProvider sp, Func<T> memory) where T : class =>
        RedisConfiguration(sp) is not null ? (sp.GetRequiredService<RedisRateCounter>() as T)!
        : sp.GetRequiredService<IOptions<GenAuthOptions>>().Value.Database.IsPostgres ? (sp.GetRequiredService<DatabaseRateStore>() as T)!
        : memory();

    /// <summary>ConnectionStrings:Redis or GenAuth:Redis; null when neither is set.</summary>
    private static string? RedisConfiguration(IServiceProvider sp)
    {
        var config = sp.GetRequiredService<IConfiguration>();
        var redis = config.GetConnectionString("Redis") ?? config["GenAuth:Redis"];
        return string.IsNullOrWhiteSpace(redis) ? null : redis;
    }
}
