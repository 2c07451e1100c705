using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;
using GenAuth.GraphQL.Limits;
using GraphQLParser.AST;

namespace GenAuth.GraphQL.Common;

/// <summary>
/// Root fields that one request may hold only a few of (GenAuth:GraphQL:PerRequest, default 1 each), whatever the
/// aliases, fragments or batch: each send is a message someone pays for, each registration an Argon2 hash and a row,
/// each existence lookup an enumeration probe. Declared on the field (<c>.LimitPerRequest(PerRequest.Send)</c>), so
/// a new field of the kind only needs the marker; the executor counts marked root fields before validation.
/// </summary>
public static class PerRequest
{
    public const string MetadataKey = "genauth:perRequest";

    /// <summary>Sends an SMS or an email (codes, links).</summary>
    public const string Send = "send";

    /// <summary>May create an account (registration, code login that registers unknown numbers).</summary>
    public const string Register = "register";

    /// <summary>Answers whether an account exists.</summary>
    public const string UserExistsLookup = "isUserExists";

    public static FieldBuilder<TSource, TReturn> LimitPerRequest<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field, string kind) =>
        field.WithMetadata(MetadataKey, kind);

    public static string? PerRequestKindOf(this IFieldType field) => field.GetMetadata<string?>(MetadataKey);

    /// <summary>
    /// The marked root fields of the operation that would run, by kind (an operation that can't be chosen counts
    /// nothing: the executer refuses it). Fragments and inline fragments at the root are followed; @skip/@include
    /// are not evaluated, so a skipped field still counts.
    /// </summary>
    public static Dictionary<string, int>? Count(ISchema schema, GraphQLDocument document, string? operationName)
    {
        var operation = DocumentShape.SelectOperation(document, operationName);
        if (operation is null)
            return null;
        IObjectGraphType? root = operation.Operation switch
        {
            OperationType.Query => schema.Query,
            OperationType.Mutation => schema.Mutation,
            OperationType.Subscription => schema.Subscription,
            _ => null,
        };
        if (root is null)
            return null;
        var fragments = DocumentShape.Fragments(document);
        Dictionary<string, int>? counts = null;
        var visiting = new HashSet<string>(StringComparer.Ordinal);

        void Walk(GraphQLSelectionSet set)
        {
            foreach (var selection in set.Selections)
            {
                switch (selection)
                {
                    case GraphQLField f when root.GetField(f.Name.StringValue)?.PerRequestKindOf() is { } kind:
                        counts ??= new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                        counts[kind] = counts.GetValueOrDefault(kind) + 1;
                        break;
                    case GraphQLInlineFragment inline:
                        Walk(inline.SelectionSet);
                        break;
                    case GraphQLFragmentSpread spread when fragments.TryGetValue(spread.FragmentName.Name.StringValue, out var fragment)
                                                           && visiting.Add(fragment.FragmentName.Name.StringValue):
                        Walk(fragment.SelectionSet);
                        visiting.Remove(fragment.FragmentName.Name.StringValue);
                        break;
                }
            }
        }

        Walk(operation.SelectionSet);
        return counts;
    }
}
