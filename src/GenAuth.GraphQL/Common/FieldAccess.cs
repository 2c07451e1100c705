using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GraphQL;
using GraphQL.Builders;
using GraphQL.Instrumentation;
using GraphQL.Types;

namespace GenAuth.GraphQL.Common;

/// <summary>
/// Who may call a root field, declared where the field is defined. "admin" is enforced for every field by
/// <see cref="FieldAccessMiddleware"/> before the resolver runs; every root Query/Mutation field must declare one
/// (a test walks the live schema and calls each admin field with another pool's token and an end-user token).
/// </summary>
public static class FieldAccess
{
    public const string MetadataKey = "genauth:access";

    /// <summary>Management token of the request's pool only.</summary>
    public const string Admin = "admin";

    /// <summary>An admin, or the signed-in user acting on themselves (the resolver checks which target).</summary>
    public const string AdminOrSelf = "admin-or-self";

    /// <summary>The signed-in user's own data.</summary>
    public const string User = "user";

    /// <summary>No token needed (registration, login, public lookups).</summary>
    public const string Public = "public";

    public static FieldBuilder<TSource, TReturn> AdminOnly<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field) =>
        field.WithMetadata(MetadataKey, Admin);

    public static FieldBuilder<TSource, TReturn> AdminOrSelfAccess<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field) =>
        field.WithMetadata(MetadataKey, AdminOrSelf);

    public static FieldBuilder<TSource, TReturn> UserAccess<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field) =>
        field.WithMetadata(MetadataKey, User);

    public static FieldBuilder<TSource, TReturn> PublicAccess<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field) =>
        field.WithMetadata(MetadataKey, Public);

    public static string? AccessOf(this IFieldType field) => field.GetMetadata<string?>(MetadataKey);
}

/// <summary>
/// Before each resolver runs: stops the operation once its time budget is spent (<see cref="TimeBudget"/>), and
/// refuses admin fields to anyone but a management token of the request's pool.
/// </summary>
public sealed class FieldAccessMiddleware : IFieldMiddleware
{
    public ValueTask<object?> ResolveAsync(IResolveFieldContext context, FieldMiddlewareDelegate next)
    {
        TimeBudget.ThrowIfOver();
        if (context.FieldDefinition.AccessOf() == FieldAccess.Admin)
            context.Caller().RequireAdmin();
        return next(context);
    }
}

/// <summary>Complexity of paged lists: the page size, not the analyzer's default of 20 per list level.</summary>
public static class PagedComplexity
{
    /// <summary>On a root field with a "limit" argument (default 10): its children count as many times as the page holds rows.</summary>
    public static FieldBuilder<TSource, TReturn> PagedBy<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field, string argument = "limit",
        int fallback = 10) =>
        field.WithComplexityImpact(ctx => new global::GraphQL.Validation.Complexity.FieldComplexityResult(1,
            GenAuth.Core.Common.Paging.Take(ctx.Arguments?.TryGetValue(argument, out var v) == true && v.Value is int n ? n : fallback)));

    /// <summary>On a root field taking a list of ids: its children count once per id.</summary>
    public static FieldBuilder<TSource, TReturn> PagedByIds<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field, string argument = "ids") =>
        field.WithComplexityImpact(ctx => new global::GraphQL.Validation.Complexity.FieldComplexityResult(1,
            Math.Clamp(ctx.Arguments?.TryGetValue(argument, out var v) == true && v.Value is System.Collections.ICollection list ? list.Count : 10,
                1, GenAuth.Core.Common.Paging.MaxLimit)));
}
