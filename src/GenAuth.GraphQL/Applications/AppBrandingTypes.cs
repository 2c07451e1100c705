using GenAuth.Core.Applications;
using GenAuth.Core.Pools;
using GraphQL.Types;

namespace GenAuth.GraphQL.Applications;

/// <summary>updateApplication's branding: the hosted login page's settings for the app.</summary>
public sealed class AppBrandingInputType : InputObjectGraphType<AppBrandingInput>
{
    public AppBrandingInputType()
    {
        Name = "AppBrandingInput";
        Field(x => x.PrimaryColor, typeof(StringGraphType)).Description("The page's primary colour as #rrggbb; \"\" restores the default.");
        Field(x => x.CustomCss, typeof(StringGraphType))
            .Description($"CSS appended to the login page's styles (at most {AppBranding.MaxCssLength} characters); \"\" removes it.");
        Field(x => x.LoginMethods, typeof(ListGraphType<NonNullGraphType<StringGraphType>>))
            .Description("Which sign-in tabs the page shows (password, code, qr); an empty list shows all.");
    }
}

public sealed class AppBrandingType : ObjectGraphType<AppBranding>
{
    public AppBrandingType()
    {
        Name = "AppBranding";
        Description = "How the hosted login page looks for an application (its name and logo are the app's own).";
        Field<StringGraphType>("primaryColor").Resolve(c => c.Source.PrimaryColor);
        Field<StringGraphType>("customCss").Resolve(c => c.Source.CustomCss);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("loginMethods")
            .Resolve(c => string.IsNullOrWhiteSpace(c.Source.LoginMethods) ? AppBranding.Methods : c.Source.LoginMethods.Split(' '));
    }
}
