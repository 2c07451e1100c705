namespace GenAuth.Core.Audit;

/// <summary>GenAuth:Audit settings.</summary>
public sealed class AuditOptions
{
    public const string Section = "GenAuth:Audit";

    /// <summary>How often the retention sweeper runs.</summary>
    public int SweepIntervalMinutes { get; set; } = 60;

    /// <summary>Rows deleted per statement by the sweeper (short write locks on SQLite).</summary>
    public int SweepBatch { get; set; } = 1000;

    /// <summary>A live feed re-reads the table this often even without a bus message (a lost message only delays it).</summary>
    public int FeedPollSeconds { get; set; } = 5;

    /// <summary>Live feeds (securityEvents subscriptions) open at once on this instance.</summary>
    public int MaxFeeds { get; set; } = 100;

    /// <summary>
    /// Events that record no other write (client-credentials issueToken) go through the group-commit writer; false writes
    /// each in its own request's transaction (the earlier behaviour, kept for comparison and as a fallback).
    /// </summary>
    public bool GroupCommit { get; set; } = true;

    /// <summary>Events waiting for the group-commit writer (AuditAppender); callers wait when it is full.</summary>
    public int AppendQueueCapacity { get; set; } = 4096;

    /// <summary>Most events the group-commit writer puts in one transaction.</summary>
    public int AppendBatch { get; set; } = 256;
}
