namespace GenAuth.Core.Common;

/// <summary>One page of a list and the size of the whole list (GenAuth's { totalCount, list }).</summary>
public sealed record ListPage<T>(int TotalCount, IReadOnlyList<T> List)
{
    public static ListPage<T> Empty { get; } = new(0, []);

    /// <summary>Page numbers start at 1; a limit below 1 means "all" (GenAuth's limit: -1).</summary>
    public static (int Skip, int Take) Window(int? page, int? limit, int defaultLimit = 10)
    {
        var l = limit ?? defaultLimit;
        if (l < 1)
            return (0, int.MaxValue);
        var p = Math.Max(1, page ?? 1);
        return ((p - 1) * Math.Min(l, 1000), Math.Min(l, 1000));
    }
}
