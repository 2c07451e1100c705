using GraphQL;
using GraphQL.Builders;

namespace GenAuth.GraphQL.Groups;

/// <summary>Marks a root field as management-only, for the schema-driven tenancy test (every such field refuses other callers).</summary>
public static class AdminFieldExtensions
{
    public const string Key = "genauth:admin";

    public static FieldBuilder<TSource, TReturn> Admin<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field) =>
        field.WithMetadata(Key, true);
}
