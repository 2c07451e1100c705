using GenAuth.Core.Callers;
using GraphQL;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.GraphQL.Common;

public static class ResolveContextExtensions
{
    public static T Service<T>(this IResolveFieldContext context) where T : notnull =>
        context.RequestServices!.GetRequiredService<T>();

    public static CallerContext Caller(this IResolveFieldContext context) => context.Service<CallerContext>();

    /// <summary>Whether GenAuth's fixed answers ("发送成功" / "Sent") go out in English for this caller.</summary>
    public static bool IsEnglish(this IResolveFieldContext context) =>
        context.Caller().Lang?.StartsWith("en", StringComparison.OrdinalIgnoreCase) == true;

    public static string? Iso(this DateTime? value) => value?.Iso();

    public static string Iso(this DateTime value) =>
        GenAuth.Core.Common.IsoTime.Format(value);
}
