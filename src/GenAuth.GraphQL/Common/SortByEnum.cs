using GraphQL.Types;

namespace GenAuth.GraphQL.Common;

/// <summary>GenAuth's SortByEnum, shared by every paged list (users, roles, groups...).</summary>
public sealed class SortByEnum : EnumerationGraphType
{
    public SortByEnum()
    {
        Name = "SortByEnum";
        Add("CREATEDAT_DESC", "CREATEDAT_DESC", "按照创建时间降序（后创建的在前面）");
        Add("CREATEDAT_ASC", "CREATEDAT_ASC", "按照创建时间升序（先创建的在前面）");
        Add("UPDATEDAT_DESC", "UPDATEDAT_DESC", "按照更新时间降序（最近更新的在前面）");
        Add("UPDATEDAT_ASC", "UPDATEDAT_ASC", "按照更新时间升序（最近更新的在后面）");
    }
}
