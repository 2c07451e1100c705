using System.Linq.Expressions;

namespace GenAuth.Core.Common;

/// <summary>GenAuth's SortByEnum (CREATEDAT_DESC, CREATEDAT_ASC, UPDATEDAT_DESC, UPDATEDAT_ASC) on any row with those columns.</summary>
public static class SortBy
{
    public static IOrderedQueryable<T> Apply<T>(IQueryable<T> query, string? sortBy,
        Expression<Func<T, DateTime>> createdAt, Expression<Func<T, DateTime>> updatedAt, Expression<Func<T, string>> id) =>
        sortBy switch
        {
            "CREATEDAT_ASC" => query.OrderBy(createdAt).ThenBy(id),
            "UPDATEDAT_DESC" => query.OrderByDescending(updatedAt).ThenByDescending(id),
            "UPDATEDAT_ASC" => query.OrderBy(updatedAt).ThenBy(id),
            _ => query.OrderByDescending(createdAt).ThenByDescending(id),
        };
}
