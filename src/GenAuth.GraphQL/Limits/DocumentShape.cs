using GraphQLParser.AST;

namespace GenAuth.GraphQL.Limits;

/// <summary>
/// What a parsed document costs once its fragments are expanded, measured in one pass over the AST with each
/// fragment measured once (memoised): a kilobyte of nested spreads that expands 2^16 times is measured in
/// microseconds and refused before GraphQL.NET's validation walks the expansion. Counts saturate instead of overflowing.
/// </summary>
public sealed record DocumentMeasure(long Selections, long FragmentSpreads, long Aliases, long Depth, string? CyclicFragment,
    bool FragmentsTooDeep, bool Introspects);

public static class DocumentShape
{
    /// <summary>Spreads inside spreads beyond this are refused outright (it also bounds the measuring recursion).</summary>
    public const int MaxFragmentNesting = 64;

    private const long Cap = 1L << 40;

    private static long Add(long a, long b) => Math.Min(Cap, a + b);

    private readonly record struct Cost(long Selections, long Spreads, long Aliases, long Depth)
    {
        public static Cost operator +(Cost a, Cost b) =>
            new(Add(a.Selections, b.Selections), Add(a.Spreads, b.Spreads), Add(a.Aliases, b.Aliases), Math.Max(a.Depth, b.Depth));
    }

    public static Dictionary<string, GraphQLFragmentDefinition> Fragments(GraphQLDocument document)
    {
        var fragments = new Dictionary<string, GraphQLFragmentDefinition>(StringComparer.Ordinal);
        foreach (var definition in document.Definitions)
            if (definition is GraphQLFragmentDefinition f)
                fragments.TryAdd(f.FragmentName.Name.StringValue, f); // duplicates are the validator's to report
        return fragments;
    }

    /// <summary>The operation a request runs: the named one, or the only one; null when that is ambiguous or missing.</summary>
    public static GraphQLOperationDefinition? SelectOperation(GraphQLDocument document, string? operationName)
    {
        GraphQLOperationDefinition? found = null;
        foreach (var definition in document.Definitions)
        {
            if (definition is not GraphQLOperationDefinition op)
                continue;
            if (operationName is { Length: > 0 })
            {
                if (op.Name?.StringValue == operationName)
                    return op;
            }
            else if (found is not null)
            {
                return null;
            }
            else
            {
                found = op;
            }
        }
        return operationName is { Length: > 0 } ? null : found;
    }

    /// <summary>Measures every operation and every fragment of the document (validation visits unused fragments too).</summary>
    public static DocumentMeasure Measure(GraphQLDocument document)
    {
        var fragments = Fragments(document);
        var memo = new Dictionary<string, Cost>(StringComparer.Ordinal);
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        string? cyclic = null;
        var tooDeep = false;
        var introspects = false;

        Cost Fragment(GraphQLFragmentDefinition fragment, int nesting)
        {
            var name = fragment.FragmentName.Name.StringValue;
            if (memo.TryGetValue(name, out var known))
                return known;
            if (nesting > MaxFragmentNesting)
            {
                tooDeep = true;
                return default;
            }
            if (!visiting.Add(name))
            {
                cyclic ??= name;
                return default;
            }
            var cost = SelectionSet(fragment.SelectionSet, nesting);
            visiting.Remove(name);
            memo[name] = cost;
            return cost;
        }

        Cost SelectionSet(GraphQLSelectionSet? set, int nesting)
        {
            var total = default(Cost);
            if (set is null)
                return total;
            foreach (var selection in set.Selections)
            {
                switch (selection)
                {
                    case GraphQLField field:
                        var name = field.Name.StringValue;
                        if (name is "__schema" or "__type")
                            introspects = true;
                        var children = SelectionSet(field.SelectionSet, nesting);
                        total += new Cost(Add(1, children.Selections), children.Spreads,
                            Add(field.Alias is null ? 0 : 1, children.Aliases), children.Depth + 1);
                        break;
                    case GraphQLInlineFragment inline:
                        total += SelectionSet(inline.SelectionSet, nesting);
                        break;
                    case GraphQLFragmentSpread spread:
                        total += new Cost(0, 1, 0, 0);
                        if (fragments.TryGetValue(spread.FragmentName.Name.StringValue, out var fragment))
                            total += Fragment(fragment, nesting + 1);
                        break;
                }
            }
            return total;
        }

        var sum = default(Cost);
        foreach (var definition in document.Definitions)
            if (definition is GraphQLOperationDefinition op)
                sum += SelectionSet(op.SelectionSet, 0);
        // Note: unused fragments are still validated, so they count too (each once).
        foreach (var (name, fragment) in fragments)
            if (!memo.ContainsKey(name))
                sum += Fragment(fragment, 0);
        return new DocumentMeasure(sum.Selections, sum.Spreads, sum.Aliases, sum.Depth, cyclic, tooDeep, introspects);
    }

    /// <summary>Fields that list types or fields of a type: nesting them multiplies the answer by the schema's size.</summary>
    private static bool IsTypeList(string name) => name is "types" or "fields" or "inputFields" or "interfaces" or "possibleTypes";

    /// <summary>
    /// The standard introspection query's shape, the only one exempt from the complexity analyzer: a query whose root
    /// fields are all __schema, __type or __typename, with no alias anywhere, no deeper than <paramref name="maxDepth"/>,
    /// and at most two type-listing fields (types, fields, inputFields, interfaces, possibleTypes) nested on any path
    /// (types → fields is what IDEs ask; fields → type → fields multiplies the answer by the schema's size again, as
    /// graphql-js's MaxIntrospectionDepthRule also refuses). ofType chains only add depth, which is bounded.
    /// </summary>
    public static bool IsStandardIntrospection(GraphQLDocument document, GraphQLOperationDefinition operation, int maxDepth)
    {
        if (operation.Operation != OperationType.Query)
            return false;
        var fragments = Fragments(document);
        var visiting = new HashSet<string>(StringComparer.Ordinal);

        bool Check(GraphQLSelectionSet set, int depth, int lists, bool root)
        {
            foreach (var selection in set.Selections)
            {
                switch (selection)
                {
                    case GraphQLField field:
                        if (field.Alias is not null || depth + 1 > maxDepth)
                            return false;
                        var name = field.Name.StringValue;
                        if (root && name is not ("__schema" or "__type" or "__typename"))
                            return false;
                        var nested = IsTypeList(name) ? lists + 1 : lists;
                        if (nested > 2)
                            return false;
                        if (field.SelectionSet is { } children && !Check(children, depth + 1, nested, false))
                            return false;
                        break;
                    case GraphQLInlineFragment inline:
                        if (!Check(inline.SelectionSet, depth, lists, root))
                            return false;
                        break;
                    case GraphQLFragmentSpread spread:
                        if (!fragments.TryGetValue(spread.FragmentName.Name.StringValue, out var fragment))
                            return false;
                        var key = fragment.FragmentName.Name.StringValue;
                        if (!visiting.Add(key))
                            return false;
                        var ok = Check(fragment.SelectionSet, depth, lists, root);
                        visiting.Remove(key);
                        if (!ok)
                            return false;
                        break;
                }
            }
            return true;
        }

        return Check(operation.SelectionSet, 0, 0, true);
    }
}
