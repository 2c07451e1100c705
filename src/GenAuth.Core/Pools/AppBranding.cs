using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GenAuth.Core.Pools;

/// <summary>
/// How the hosted login page looks for one app (name and logo are the app's own): its primary colour, extra CSS and
/// which sign-in methods it offers. Kept as an owned type beside the app so the page settings stay one block.
/// </summary>
public sealed class AppBranding
{
    public const int MaxCssLength = 20_000;
    public static readonly string[] Methods = ["password", "code", "qr"];

    /// <summary>#rrggbb; the page keeps its own colour when unset.</summary>
    public string? PrimaryColor { get; set; }

    /// <summary>Appended to the page's styles (inside the page's nonce'd style element).</summary>
    public string? CustomCss { get; set; }

    /// <summary>Space-separated subset of password, code, qr; all of them when unset.</summary>
    public string? LoginMethods { get; set; }
}

/// <summary>The branding columns of the applications table (separate from the app's other settings on purpose).</summary>
internal sealed class AppBrandingConfiguration : IEntityTypeConfiguration<Application>
{
    public void Configure(EntityTypeBuilder<Application> b)
    {
        b.OwnsOne(e => e.Branding, o =>
        {
            o.Property(x => x.PrimaryColor).HasColumnName("branding_primary_color").HasMaxLength(7);
            o.Property(x => x.CustomCss).HasColumnName("branding_custom_css").HasMaxLength(AppBranding.MaxCssLength);
            o.Property(x => x.LoginMethods).HasColumnName("branding_login_methods").HasMaxLength(64);
        });
        b.Navigation(e => e.Branding).IsRequired();
    }
}
