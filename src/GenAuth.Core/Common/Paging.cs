namespace GenAuth.Core.Common;

/// <summary>One page of a list and the size of the whole list (GenAuth's { totalCount, list }).</summary>
public sealed record Page<T>(int TotalCount, IReadOnlyList<T> List)
{
    public static Page<T> Empty { get; } = new(0, []);
}

/// <summary>
/// The one paging policy, for GraphQL and REST alike: page counts from 1; limit defaults to 10; no limit value yields
/// an unbounded list. GenAuth's SDKs (and Keycloak's max=-1) send a limit below 1 to mean "everything": that reads as
/// the largest page, <see cref="MaxLimit"/> rows, and totalCount says whether more pages follow.
/// </summary>
public static class Paging
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 200;

    /// <summary>The page size a limit asks for, within [1, MaxLimit].</summary>
    public static int Take(int? limit) => limit switch
    {
        null => DefaultLimit,
        < 1 => MaxLimit,
        _ => Math.Min(limit.Value, MaxLimit),
    };

    public static (int Skip, int Take) Window(int? page, int? limit)
    {
        var take = Take(limit);
        var p = Math.Max(page ?? 1, 1);
        return ((int)Math.Min((long)(p - 1) * take, int.MaxValue), take);
    }
}
