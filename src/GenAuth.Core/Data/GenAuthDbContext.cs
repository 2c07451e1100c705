using GenAuth.Core.Groups;
using GenAuth.Core.Orgs;
using GenAuth.Core.Permissions;
using GenAuth.Core.Mfa;
using GenAuth.Core.Codes;
using GenAuth.Core.Pools;
using GenAuth.Core.QrLogin;
using GenAuth.Core.Roles;
using GenAuth.Core.Sessions;
using GenAuth.Core.Users;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Data;

/// <summary>The model, on SQLite (its migrations are this type's). PostgreSQL uses <see cref="PostgresGenAuthDbContext"/>,
/// the same model with its own migrations.</summary>
public class GenAuthDbContext : DbContext
{
    public GenAuthDbContext(DbContextOptions<GenAuthDbContext> options) : base(options)
    {
    }

    protected GenAuthDbContext(DbContextOptions options) : base(options)
    {
    }

    /// <summary>
    /// The caller's pool. Every pool-owned set is filtered by it; null matches nothing.
    /// </summary>
    // Note: a filter that defaults to "nothing" means a forgotten pool resolution leaks no rows.
    public string? PoolId { get; set; }

    public DbSet<UserPool> UserPools => Set<UserPool>();
    public DbSet<Application> Applications => Set<Application>();
    public DbSet<PoolKey> PoolKeys => Set<PoolKey>();
    public DbSet<User> Users => Set<User>();
    public DbSet<UserPageBucket> UserPageBuckets => Set<UserPageBucket>();
    public DbSet<Session> Sessions => Set<Session>();
    public DbSet<LoginLog> LoginLogs => Set<LoginLog>();
    public DbSet<QrCode> QrCodes => Set<QrCode>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();
    public DbSet<Role> Roles => Set<Role>();
    public DbSet<RoleAssignment> RoleAssignments => Set<RoleAssignment>();
    public DbSet<Resource> Resources => Set<Resource>();
    public DbSet<Permission> Permissions => Set<Permission>();
    public DbSet<Policy> Policies => Set<Policy>();
    public DbSet<PolicyAssignment> PolicyAssignments => Set<PolicyAssignment>();
    public DbSet<ResourceNamespace> ResourceNamespaces => Set<ResourceNamespace>();
    public DbSet<Applications.AppAuthorization> AppAuthorizations => Set<Applications.AppAuthorization>();
    public DbSet<Applications.ProgrammaticAccessAccount> ProgrammaticAccessAccounts => Set<Applications.ProgrammaticAccessAccount>();
    public DbSet<Applications.Agreement> Agreements => Set<Applications.Agreement>();
    public DbSet<Applications.AgreementAcceptance> AgreementAcceptances => Set<Applications.AgreementAcceptance>();
    public DbSet<Organization> Orgs => Set<Organization>();
    public DbSet<OrgNode> OrgNodes => Set<OrgNode>();
    public DbSet<NodeMember> NodeMembers => Set<NodeMember>();
    public DbSet<CustomFields.CustomField> CustomFields => Set<CustomFields.CustomField>();
    public DbSet<CustomFields.CustomFieldValue> CustomFieldValues => Set<CustomFields.CustomFieldValue>();
    public DbSet<WhitelistEntry> WhitelistEntries => Set<WhitelistEntry>();
    public DbSet<Applications.AppAccessRule> AppAccessRules => Set<Applications.AppAccessRule>();
    public DbSet<MfaFactor> MfaFactors => Set<MfaFactor>();
    public DbSet<MfaEnrollment> MfaEnrollments => Set<MfaEnrollment>();
    public DbSet<MfaChallenge> MfaChallenges => Set<MfaChallenge>();
    public DbSet<VerificationCode> VerificationCodes => Set<VerificationCode>();
    public DbSet<GenAuth.Core.ExtIdps.ExtIdp> ExtIdps => Set<GenAuth.Core.ExtIdps.ExtIdp>();
    public DbSet<GenAuth.Core.ExtIdps.ExtIdpConn> ExtIdpConns => Set<GenAuth.Core.ExtIdps.ExtIdpConn>();
    public DbSet<GenAuth.Core.ExtIdps.ExtIdpConnAppState> ExtIdpConnAppStates => Set<GenAuth.Core.ExtIdps.ExtIdpConnAppState>();
    public DbSet<GenAuth.Core.ExtIdps.UserIdentity> UserIdentities => Set<GenAuth.Core.ExtIdps.UserIdentity>();
    public DbSet<GenAuth.Core.Tenants.Tenant> Tenants => Set<GenAuth.Core.Tenants.Tenant>();
    public DbSet<GenAuth.Core.Tenants.TenantMember> TenantMembers => Set<GenAuth.Core.Tenants.TenantMember>();
    public DbSet<GenAuth.Core.Devices.Device> Devices => Set<GenAuth.Core.Devices.Device>();
    public DbSet<GenAuth.Core.Devices.DeviceUser> DeviceUsers => Set<GenAuth.Core.Devices.DeviceUser>();
    public DbSet<Audit.AuditEvent> AuditEvents => Set<Audit.AuditEvent>();
    public DbSet<GenAuth.Core.Webhooks.Webhook> Webhooks => Set<GenAuth.Core.Webhooks.Webhook>();
    public DbSet<GenAuth.Core.Webhooks.WebhookDelivery> WebhookDeliveries => Set<GenAuth.Core.Webhooks.WebhookDelivery>();
    public DbSet<GenAuth.Core.Webhooks.WebhookCursor> WebhookCursors => Set<GenAuth.Core.Webhooks.WebhookCursor>();

    // Note: every save of both providers checks the model's length limits first (ColumnLengths), so SQLite refuses what
    // PostgreSQL would, before any row is written; a 22001 that still reaches PostgreSQL becomes the same 2607.
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        ColumnLengths.Check(ChangeTracker);
        try
        {
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }
        catch (DbUpdateException e) when (ColumnLengths.IsValueTooLong(e))
        {
            throw new Common.GenAuthException(Common.ErrorCodes.ValueTooLong);
        }
        catch (DbUpdateException e) when (e.InnerException is Common.GenAuthException refused)
        {
            // Note: StoredText refused a command of the save (EF wraps what a command interceptor throws).
            throw refused;
        }
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        ColumnLengths.Check(ChangeTracker);
        try
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        catch (DbUpdateException e) when (ColumnLengths.IsValueTooLong(e))
        {
            throw new Common.GenAuthException(Common.ErrorCodes.ValueTooLong);
        }
        catch (DbUpdateException e) when (e.InnerException is Common.GenAuthException refused)
        {
            // Note: StoredText refused a command of the save (EF wraps what a command interceptor throws).
            throw refused;
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(GenAuthDbContext).Assembly);
        // The OIDC server's stores (OpenIddict: client mirror rows, authorizations = consents and token families, tokens).
        modelBuilder.UseOpenIddict();
        foreach (var entity in modelBuilder.Model.GetEntityTypes().Where(t => typeof(IPoolOwned).IsAssignableFrom(t.ClrType)))
            entity.SetQueryFilter(PoolFilter(entity.ClrType));
    }

    /// <summary>e => e.UserPoolId == this.PoolId, built for any pool-owned entity type.</summary>
    private LambdaExpression PoolFilter(Type clrType)
    {
        var e = Expression.Parameter(clrType, "e");
        var poolId = Expression.Property(Expression.Constant(this), nameof(PoolId));
        return Expression.Lambda(Expression.Equal(Expression.Property(e, nameof(IPoolOwned.UserPoolId)), poolId), e);
    }
}
