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
}
