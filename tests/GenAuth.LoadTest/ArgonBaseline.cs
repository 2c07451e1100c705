using System.Diagnostics;
using System.Text;
using Geralt;
using GenAuth.Core;
using GenAuth.Core.Security;
using Microsoft.Extensions.Options;

namespace GenAuth.LoadTest;

/// <summary>
/// The P1 baseline: raw Argon2id verifications per second, one worker thread per core, with the hash the
/// server would store (Core's PasswordHasher with default GenAuth options, i.e. what GenAuth.Server runs with)
/// and the same libsodium call the server's verify makes (Geralt Argon2id.VerifyHash on the UTF-8 password).
/// </summary>
public static class ArgonBaseline
{
    public static int Workers => Environment.ProcessorCount;

    /// <summary>The PHC string GenAuth.Server would store for this password (default GenAuth options, as the server runs).</summary>
    public static string HashLikeServer(string password)
    {
        using var hasher = new PasswordHasher(Options.Create(new GenAuthOptions()));
        return hasher.Hash(password);
    }

    public static string ParametersOf(string phc) => phc.Split('$') is { Length: > 3 } p ? p[3] : "?";

    public static LoadResult Run(string phc, string password, TimeSpan warmup, TimeSpan duration)
    {
        var workers = Workers;
        var latencies = new List<long>[workers];
        var counts = new long[workers];
        var clock = Stopwatch.StartNew();
        var from = (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var to = from + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var threads = Enumerable.Range(0, workers).Select(w => new Thread(() =>
        {
            var mine = latencies[w] = [];
            while (true)
            {
                var start = clock.ElapsedTicks;
                if (start >= to)
                    return;
                // Same as PasswordHasher.Verify: UTF-8 bytes of the password, libsodium's verify of the PHC string.
                if (!Argon2id.VerifyHash(phc, Encoding.UTF8.GetBytes(password)))
                    throw new InvalidOperationException("Argon2id verify failed");
                var end = clock.ElapsedTicks;
                if (end >= from && end <= to) // completions inside the window: unbiased in steady state
                {
                    counts[w]++;
                    mine.Add(end - start);
                }
            }
        }) { IsBackground = true, Name = $"argon2-{w}" }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return new LoadResult($"raw Argon2id verify ({workers} threads, in-process)", counts.Sum(), 0, duration.TotalSeconds,
            latencies.SelectMany(l => l).Order().ToArray(), null);
    }
}
