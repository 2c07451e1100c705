namespace GenAuth.GraphQL;

/// <summary>
/// Limits on what one GraphQL document may ask for (GenAuth:GraphQL). The document limits (length, expanded
/// selections, fragment spreads, aliases, depth) are checked on the parsed document before validation, so a
/// refused document costs a parse and one linear pass; the complexity analyzer then runs on what is left.
/// </summary>
public sealed class GraphQLLimits
{
    public const string Section = "GenAuth:GraphQL";

    /// <summary>Deepest field nesting of a data operation (the complexity analyzer).</summary>
    public int MaxDepth { get; set; } = 15;

    /// <summary>
    /// Complexity budget of a data operation (the complexity analyzer; page sizes multiply). Sized for GenAuth's
    /// largest page: the SDK lists 200 users with every field (and custom data), about 20,000; the document limits, the
    /// time budget and the response cap bound the rest.
    /// </summary>
    public int MaxComplexity { get; set; } = 50_000;

    /// <summary>Longest document accepted, in characters (variables are not part of it).</summary>
    public int MaxDocumentLength { get; set; } = 64 * 1024;

    /// <summary>Most field selections in a document once every fragment spread is expanded (all operations and fragments).</summary>
    public int MaxSelections { get; set; } = 1000;

    /// <summary>Most fragment spreads in a document once spreads inside fragments are expanded.</summary>
    public int MaxFragmentSpreads { get; set; } = 200;

    /// <summary>Most aliased fields in a document, fragments expanded.</summary>
    public int MaxAliases { get; set; } = 50;

    /// <summary>
    /// Deepest nesting of an introspection document that is exempt from the complexity analyzer (the standard
    /// query of graphql-js/GraphiQL and Banana Cake Pop is 13 deep). Deeper or aliased introspection is analysed like data.
    /// </summary>
    public int MaxIntrospectionDepth { get; set; } = 20;

    /// <summary>Whether callers without a token may query __schema and __type (__typename is always allowed).</summary>
    public bool AnonymousIntrospection { get; set; } = true;

    /// <summary>Time budget of validation and execution of a query or mutation (subscriptions stream without one).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest serialised answer of one request (a batch shares it), in bytes.</summary>
    public long MaxResponseBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// How many root fields of each marked kind (<see cref="Common.PerRequest"/>) one request may hold, aliases and the
    /// documents of an HTTP batch counted together. Keys: send, register, isUserExists.
    /// </summary>
    public Dictionary<string, int> PerRequest { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        [Common.PerRequest.Send] = 1,
        [Common.PerRequest.Register] = 1,
        [Common.PerRequest.UserExistsLookup] = 1,
    };

    public bool IsValid() =>
        MaxDepth > 0 && MaxComplexity > 0 && MaxDocumentLength > 0 && MaxSelections > 0 && MaxFragmentSpreads > 0
        && MaxAliases >= 0 && MaxIntrospectionDepth > 0 && Timeout > TimeSpan.Zero && MaxResponseBytes > 0
        && PerRequest.Values.All(v => v > 0);
}
