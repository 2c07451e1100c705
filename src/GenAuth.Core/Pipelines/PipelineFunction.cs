using GenAuth.Core.Data;
using GenAuth.Core.Pools;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GenAuth.Core.Pipelines;

/// <summary>The moments a pipeline function runs at (GenAuth's pipeline triggers).</summary>
public static class PipelineTriggers
{
    public const string PreRegister = "PRE_REGISTER";
    public const string PostRegister = "POST_REGISTER";
    public const string PostAuthentication = "POST_AUTHENTICATION";
    public const string PreOidcTokenIssued = "PRE_OIDC_TOKEN_ISSUED";

    public static readonly string[] All = [PreRegister, PostRegister, PostAuthentication, PreOidcTokenIssued];

    /// <summary>A failing function (throw, timeout, memory) refuses the action for these; for the others it is only logged.</summary>
    public static bool FailsClosed(string trigger) => trigger is PreRegister or PreOidcTokenIssued;
}

/// <summary>One pipeline function of a pool: <c>async function pipe(user, context, callback)</c> run at its trigger.</summary>
public sealed class PipelineFunction : IPoolOwned
{
    public required string Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string Name { get; set; }
    public required string SourceCode { get; set; }
    public string? Description { get; set; }
    public string? Url { get; set; }
    public string Trigger { get; set; } = PipelineTriggers.PostAuthentication;

    /// <summary>Functions of one trigger run by ascending order (then creation).</summary>
    public int Order { get; set; }
    public bool Enabled { get; set; } = true;

    /// <summary>Wall-clock limit of one run in milliseconds (capped by GenAuth:Pipelines:MaxTimeoutMs).</summary>
    public int TimeoutMs { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A pool's environment variable (GenAuth's /api/v2/env), readable by its functions as <c>env.KEY</c>; sealed at rest.</summary>
public sealed class PipelineEnvVar : IPoolOwned
{
    public required string UserPoolId { get; set; }
    public required string Key { get; set; }
    public required byte[] SealedValue { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// A pool's sandbox settings: the hosts <c>fetch</c> may reach (none: no fetch at all) and the custom database scripts
/// (lazy migration: <c>login(identifier, password)</c> and <c>getUser(identifier)</c>).
/// </summary>
public sealed class PipelineSettings : IPoolOwned
{
    public required string UserPoolId { get; set; }

    /// <summary>Host names (one per line) a function's fetch may call over https; empty means fetch is not defined.</summary>
    public string? FetchAllowList { get; set; }
    public bool CustomDatabaseEnabled { get; set; }
    public string? CustomDatabaseLoginScript { get; set; }
    public string? CustomDatabaseGetUserScript { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class PipelineFunctionConfiguration : IEntityTypeConfiguration<PipelineFunction>
{
    public void Configure(EntityTypeBuilder<PipelineFunction> b)
    {
        b.ToTable("pipeline_functions");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(24);
        b.Property(e => e.Name).HasMaxLength(128);
        b.Property(e => e.Trigger).HasMaxLength(32);
        b.Property(e => e.Url).HasMaxLength(2048);
        b.Property(e => e.Description).HasMaxLength(1024);
        b.HasIndex(e => new { e.UserPoolId, e.Trigger, e.Order });
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PipelineEnvVarConfiguration : IEntityTypeConfiguration<PipelineEnvVar>
{
    public void Configure(EntityTypeBuilder<PipelineEnvVar> b)
    {
        b.ToTable("pipeline_env");
        b.HasKey(e => new { e.UserPoolId, e.Key });
        b.Property(e => e.Key).HasMaxLength(128);
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PipelineSettingsConfiguration : IEntityTypeConfiguration<PipelineSettings>
{
    public void Configure(EntityTypeBuilder<PipelineSettings> b)
    {
        b.ToTable("pipeline_settings");
        b.HasKey(e => e.UserPoolId);
        b.HasOne<UserPool>().WithMany().HasForeignKey(e => e.UserPoolId).OnDelete(DeleteBehavior.Cascade);
    }
}
