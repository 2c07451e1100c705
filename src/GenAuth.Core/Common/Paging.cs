namespace GenAuth.Core.Common;

/// <summary>One page of a list and the size of the whole list (GenAuth's { totalCount, list }).</summary>
public sealed record Page<T>(int TotalCount, IReadOnlyList<T> List);

/// <summary>page/limit as GenAuth takes them (page from 1, limit default 10, capped at 200).</summary>
public static class Paging
{
    public const int MaxLimit = 200;

    public static (int Skip, int Take) Of(int page, int limit)
    {
        var take = limit <= 0 ? 10 : Math.Min(limit, MaxLimit);
        var p = Math.Max(page, 1);
        return ((int)Math.Min((long)(p - 1) * take, int.MaxValue), take);
    }
}
