using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace GenAuth.Core.Common;

/// <summary>
/// GenAuth's own instruments (System.Diagnostics.Metrics) and its sign-in trace source. The server exports them with
/// OpenTelemetry only when GenAuth:Metrics:Enabled / GenAuth:Tracing:OtlpEndpoint are set.
/// </summary>
// Note: static and process-wide on purpose: with no listener an instrument's Enabled is false and the call sites below
// skip the recording (no tag arrays, no clock reads), and StartActivity returns null, so the hot path pays one branch.
public static class GenAuthTelemetry
{
    public const string MeterName = "GenAuth";
    public const string SignInSourceName = "GenAuth.SignIn";

    public static readonly Meter Meter = new(MeterName);
    public static readonly ActivitySource SignInSource = new(SignInSourceName);

    /// <summary>Sign-ins by way in (method: password:email, code:phone, …) and outcome (success, mfa, reset, refused, error).</summary>
    public static readonly Counter<long> SignIns =
        Meter.CreateCounter<long>("genauth.signins", description: "Sign-ins by way in (method) and outcome");

    /// <summary>Second-factor answers by factor and outcome (success, failure).</summary>
    public static readonly Counter<long> MfaVerifications =
        Meter.CreateCounter<long>("genauth.mfa.verifications", description: "Second-factor answers by factor and outcome");

    /// <summary>Verification codes handed to delivery, by channel (sms, email) and outcome (sent, failed).</summary>
    public static readonly Counter<long> CodesSent =
        Meter.CreateCounter<long>("genauth.codes.sent", description: "Verification codes sent by channel and outcome");

    public static readonly Counter<long> Registrations =
        Meter.CreateCounter<long>("genauth.registrations", description: "Users registered or created");

    /// <summary>Tokens signed, by type (id, management).</summary>
    public static readonly Counter<long> TokensIssued =
        Meter.CreateCounter<long>("genauth.tokens.issued", description: "Tokens signed by type");

    /// <summary>Token verifications by outcome (valid, invalid).</summary>
    public static readonly Counter<long> TokensVerified =
        Meter.CreateCounter<long>("genauth.tokens.verified", description: "Token verifications by outcome");

    /// <summary>Time a password hash waited for a slot of the bounded executor, by lane (login, new_password).</summary>
    public static readonly Histogram<double> HashWait =
        Meter.CreateHistogram<double>("genauth.hash.queue.wait", unit: "s", description: "Time a password hash waited for a slot");

    /// <summary>Database command time, by kind (reader, non_query, scalar).</summary>
    public static readonly Histogram<double> DbCommandDuration =
        Meter.CreateHistogram<double>("genauth.db.command.duration", unit: "s", description: "Database command time");

    /// <summary>Redis calls made, by use (counters: rate counters, locks, claims and spent values; bus: publishes).</summary>
    public static readonly Counter<long> RedisCalls =
        Meter.CreateCounter<long>("genauth.redis.calls", description: "Redis calls by use");

    /// <summary>Counts one Redis call (skipped when nothing listens).</summary>
    public static void RedisCall(string use)
    {
        if (RedisCalls.Enabled)
            RedisCalls.Add(1, new KeyValuePair<string, object?>("use", use));
    }

    /// <summary>GraphQL request time by operation type and name (names beyond the first 200 seen count as _other).</summary>
    public static readonly Histogram<double> GraphQLDuration =
        Meter.CreateHistogram<double>("genauth.graphql.request.duration", unit: "s", description: "GraphQL request time by operation");

    public static void SignIn(string method, string outcome)
    {
        if (SignIns.Enabled)
            SignIns.Add(1, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("outcome", outcome));
    }

    public static void Mfa(string? factor, bool success)
    {
        if (MfaVerifications.Enabled)
            MfaVerifications.Add(1, new KeyValuePair<string, object?>("factor", factor ?? "unknown"),
                new KeyValuePair<string, object?>("outcome", success ? "success" : "failure"));
    }

    public static void CodeSent(string channel, bool sent)
    {
        if (CodesSent.Enabled)
            CodesSent.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", sent ? "sent" : "failed"));
    }

    public static void Registered()
    {
        if (Registrations.Enabled)
            Registrations.Add(1);
    }

    public static void TokenIssued(string type)
    {
        if (TokensIssued.Enabled)
            TokensIssued.Add(1, new KeyValuePair<string, object?>("type", type));
    }

    public static void TokenVerified(bool valid)
    {
        if (TokensVerified.Enabled)
            TokensVerified.Add(1, new KeyValuePair<string, object?>("outcome", valid ? "valid" : "invalid"));
    }

    /// <summary>Stopwatch.GetTimestamp() when the histogram is listened to, else 0 (then <see cref="Record"/> does nothing).</summary>
    public static long Start(Histogram<double> histogram) => histogram.Enabled ? Stopwatch.GetTimestamp() : 0;

    public static void Record(Histogram<double> histogram, long started, string tag, string value)
    {
        if (started != 0)
            histogram.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>(tag, value));
    }
}
