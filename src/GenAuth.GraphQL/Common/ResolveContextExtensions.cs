using GenAuth.Core.Callers;
using GraphQL;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.GraphQL.Common;

public static class ResolveContextExtensions
{
    public static T Service<T>(this IResolveFieldContext context) where T : notnull =>
        context.RequestServices!.GetRequiredService<T>();

    public static CallerContext Caller(this IResolveFieldContext context) => context.Service<CallerContext>();

    public static string? Iso(this DateTime? value) => value?.Iso();

    public static string Iso(this DateTime value) =>
        GenAuth.Core.Common.IsoTime.Format(value);
}
