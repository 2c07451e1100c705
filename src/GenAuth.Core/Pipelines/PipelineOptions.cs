namespace GenAuth.Core.Pipelines;

/// <summary>GenAuth:Pipelines settings: the sandbox limits every pipeline function and custom database script runs under.</summary>
public sealed class PipelineOptions
{
    public const string Section = "GenAuth:Pipelines";

    /// <summary>A function's time limit when it sets none.</summary>
    public int DefaultTimeoutMs { get; set; } = 1000;

    /// <summary>The most a function may ask for (its timeout is capped to this).</summary>
    public int MaxTimeoutMs { get; set; } = 5000;

    /// <summary>Memory one run may allocate (Jint's allocation count on the running thread).</summary>
    public int MemoryLimitMb { get; set; } = 64;

    /// <summary>Statements one run may execute.</summary>
    public int MaxStatements { get; set; } = 1_000_000;

    /// <summary>Nested calls one run may make.</summary>
    public int MaxRecursion { get; set; } = 64;

    /// <summary>Largest array a function may create.</summary>
    public int MaxArraySize { get; set; } = 100_000;

    /// <summary>Largest function or script source, in characters.</summary>
    public int MaxSourceLength { get; set; } = 64 * 1024;

    /// <summary>Functions one pool may hold.</summary>
    public int MaxFunctionsPerPool { get; set; } = 50;

    /// <summary>Environment variables one pool may hold, and the largest value.</summary>
    public int MaxEnvVars { get; set; } = 100;
    public int MaxEnvValueLength { get; set; } = 4096;

    /// <summary>Runs at once on this instance (0: the core count); a run that can't start within its timeout fails.</summary>
    public int MaxConcurrentRuns { get; set; }

    /// <summary>One fetch call's limits (only for hosts on the pool's allow-list).</summary>
    public int FetchTimeoutMs { get; set; } = 3000;
    public int FetchMaxResponseBytes { get; set; } = 256 * 1024;

    /// <summary>Fetch calls one run may make.</summary>
    public int MaxFetchCalls { get; set; } = 5;

    /// <summary>
    /// How long a pool's functions stay cached. A change is evicted on every instance at once through the event bus (Redis);
    /// this bounds an entry's life in case an eviction is lost.
    /// </summary>
    public int CacheSeconds { get; set; } = 10;

    /// <summary>Claims one sign-in's functions may add with user.addToken, and their JSON size together.</summary>
    public int MaxTokenClaims { get; set; } = 20;
    public int MaxTokenClaimsBytes { get; set; } = 4096;

    /// <summary>Allows fetch to http:// and to loopback/private addresses (tests only; false by default).</summary>
    public bool FetchAllowInsecure { get; set; }
}
