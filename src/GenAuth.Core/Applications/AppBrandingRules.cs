using System.Text.RegularExpressions;
using GenAuth.Core.Common;
using GenAuth.Core.Pools;

namespace GenAuth.Core.Applications;

/// <summary>
/// The hosted login page's settings of one app, as updateApplication takes them: null leaves a value, "" (or an
/// empty list) clears it back to the page's default.
/// </summary>
public sealed record AppBrandingInput(string? PrimaryColor, string? CustomCss, IReadOnlyList<string>? LoginMethods);

/// <summary>Validates and applies <see cref="AppBrandingInput"/> (kept apart from the app's OIDC and access settings).</summary>
public static partial class AppBrandingRules
{
    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex HexColor();

    public static void Apply(Application app, AppBrandingInput input)
    {
        var branding = app.Branding ??= new AppBranding();
        if (input.PrimaryColor is { } color)
        {
            color = color.Trim();
            if (color.Length > 0 && !HexColor().IsMatch(color))
                throw new GenAuthException(ErrorCodes.BadRequest, detail: "primaryColor must be #rrggbb");
            branding.PrimaryColor = color.Length == 0 ? null : color.ToLowerInvariant();
        }
        if (input.CustomCss is { } css)
        {
            if (css.Length > AppBranding.MaxCssLength)
                throw new GenAuthException(ErrorCodes.BadRequest, detail: $"customCss is longer than {AppBranding.MaxCssLength} characters");
            branding.CustomCss = css.Trim().Length == 0 ? null : css;
        }
        if (input.LoginMethods is { } methods)
        {
            var list = methods.Select(m => m.Trim().ToLowerInvariant()).Where(m => m.Length > 0).Distinct().ToList();
            var unknown = list.FirstOrDefault(m => !AppBranding.Methods.Contains(m));
            if (unknown is not null)
                throw new GenAuthException(ErrorCodes.BadRequest,
                    detail: $"loginMethods: unknown method {unknown} (known: {string.Join(", ", AppBranding.Methods)})");
            branding.LoginMethods = list.Count == 0 ? null : string.Join(' ', list);
        }
    }
}
