using GraphQL.Types;

namespace GenAuth.GraphQL.Common;

/// <summary>GenAuth's SortByEnum; values pass through as their names (see Core.Common.SortBy).</summary>
public sealed class SortByEnum : EnumerationGraphType
{
    public SortByEnum()
    {
        Name = "SortByEnum";
        foreach (var v in new[] { "CREATEDAT_DESC", "CREATEDAT_ASC", "UPDATEDAT_DESC", "UPDATEDAT_ASC" })
            Add(v, v);
    }
}
