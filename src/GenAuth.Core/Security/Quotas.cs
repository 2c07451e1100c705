using GenAuth.Core.Common;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Security;

/// <summary>
/// GenAuth:Quotas: server-wide abuse limits (sliding windows) on code sends, registrations and account lookups.
/// A limit of 0 turns that one off. Per-pool settings (frequentRegisterCheck, smsCountries) come on top.
/// </summary>
public sealed class QuotaOptions
{
    public SendQuotaOptions Sms { get; set; } = new();
    public SendQuotaOptions Email { get; set; } = new();
    public RegistrationQuotaOptions Registration { get; set; } = new();
    public LookupQuotaOptions Lookup { get; set; } = new();

    /// <summary>
    /// The share of any limit (0 to 1) from which the action also needs a captcha answer, when a captcha verifier is
    /// configured; without one this soft threshold does nothing and only the limits apply.
    /// </summary>
    public double CaptchaShare { get; set; } = 0.5;

    /// <summary>
    /// Calling codes SMS may go to when a pool names none (comma-separated, e.g. "+86,+852"; "*" for any country except
    /// premium and satellite ranges, which must always be listed by name).
    /// </summary>
    public string SmsCountries { get; set; } = "+86";
}

/// <summary>Code sends of one channel (SMS or email).</summary>
public sealed class SendQuotaOptions
{
    /// <summary>Codes one client IP may have sent per hour (any pool, any target).</summary>
    public int PerIpPerHour { get; set; } = 10;
    public int PerPoolPerHour { get; set; } = 1_000;
    public int PerPoolPerDay { get; set; } = 10_000;

    /// <summary>All pools together, per minute: the last guard against a distributed pump.</summary>
    public int GlobalPerMinute { get; set; } = 600;
}

/// <summary>Self-registrations (attempts that reach the checks, successful or not).</summary>
public sealed class RegistrationQuotaOptions
{
    public int PerIpPerHour { get; set; } = 30;
    public int PerPoolPerMinute { get; set; } = 120;
    public int PerPoolPerHour { get; set; } = 3_000;
}

/// <summary>isUserExists: public (the SDK calls it anonymously), so throttled rather than closed.</summary>
public sealed class LookupQuotaOptions
{
    public int PerIpPerMinute { get; set; } = 30;
    public int PerPoolPerMinute { get; set; } = 600;
}

/// <summary>One limit: at most <paramref name="Limit"/> in any <paramref name="Window"/> for the key; 0 or less is off.</summary>
public readonly record struct QuotaLimit(string Key, TimeSpan Window, long Limit)
{
    // Note: the window is part of the key, so one counter key is always read with one window size.
    public string CounterKey => $"quota:{Key}:{(long)Window.TotalSeconds}";
}

/// <summary>
/// Checks and takes quotas on <see cref="IRateCounter"/> (so shared through Redis when the counter is), with an
/// optional captcha from a soft threshold on.
/// </summary>
public sealed class QuotaGuard(IRateCounter counter, ICaptchaVerifier captcha, IOptionsMonitor<QuotaOptions> options)
{
    public QuotaOptions Options => options.CurrentValue;

    /// <summary>
    /// Takes one unit of every limit, or none: refuses with <paramref name="refusal"/> when any limit is used up (the
    /// refused attempt isn't counted), and from the captcha share on asks <see cref="ICaptchaVerifier"/> about
    /// <paramref name="captchaToken"/> first (2091 when it is missing or wrong).
    /// </summary>
    public async Task TakeAsync(string action, IReadOnlyList<QuotaLimit> limits, ErrorCode refusal, string? captchaToken, string? ip,
        CancellationToken ct)
    {
        var active = limits.Where(l => l.Limit > 0).ToArray();
        var usage = 0.0;
        foreach (var l in active)
        {
            var count = await counter.PeekAsync(l.CounterKey, l.Window, ct);
            if (count >= l.Limit)
                throw new GenAuthException(refusal);
            usage = Math.Max(usage, (double)(count + 1) / l.Limit);
        }
        if (captcha.IsConfigured && usage > Options.CaptchaShare)
        {
            if (string.IsNullOrWhiteSpace(captchaToken))
                throw new GenAuthException(ErrorCodes.CaptchaRequired);
            if (!await captcha.VerifyAsync(action, captchaToken, ip, ct))
                throw new GenAuthException(ErrorCodes.CaptchaWrong);
        }
        // Note: peek then hit leaves a race between concurrent callers; the hit's own answer settles it, and a unit
        // taken past a limit is given back, so refused attempts never eat into a pool's allowance.
        var taken = new List<QuotaLimit>(active.Length);
        foreach (var l in active)
        {
            var count = await counter.HitAsync(l.CounterKey, l.Window, 1, ct);
            taken.Add(l);
            if (count > l.Limit)
            {
                foreach (var t in taken)
                    await counter.HitAsync(t.CounterKey, t.Window, -1, CancellationToken.None);
                throw new GenAuthException(refusal);
            }
        }
    }

    /// <summary>Gives one unit back (the action didn't happen after all, e.g. a delivery failed).</summary>
    public async Task GiveBackAsync(IReadOnlyList<QuotaLimit> limits)
    {
        foreach (var l in limits.Where(l => l.Limit > 0))
            await counter.HitAsync(l.CounterKey, l.Window, -1, CancellationToken.None);
    }

    public static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    public static readonly TimeSpan Day = TimeSpan.FromDays(1);

    /// <summary>The send limits of a channel ("sms" or "email") for a pool and a client IP (none when unknown).</summary>
    public IReadOnlyList<QuotaLimit> SendLimits(string channel, string poolId, string? ip)
    {
        var o = channel == "sms" ? Options.Sms : Options.Email;
        var limits = new List<QuotaLimit>(4);
        if (!string.IsNullOrEmpty(ip))
            limits.Add(new QuotaLimit($"{channel}:ip:{ip}", Hour, o.PerIpPerHour));
        limits.Add(new QuotaLimit($"{channel}:pool:{poolId}", Hour, o.PerPoolPerHour));
        limits.Add(new QuotaLimit($"{channel}:pool:{poolId}", Day, o.PerPoolPerDay));
        limits.Add(new QuotaLimit($"{channel}:global", Minute, o.GlobalPerMinute));
        return limits;
    }

    /// <summary>The registration limits for a pool and a client IP, plus the pool's own per-IP check when it is on.</summary>
    public IReadOnlyList<QuotaLimit> RegistrationLimits(string poolId, string? ip, (int Limit, int Seconds)? poolPerIp)
    {
        var o = Options.Registration;
        var limits = new List<QuotaLimit>(4);
        if (!string.IsNullOrEmpty(ip))
        {
            limits.Add(new QuotaLimit($"register:ip:{ip}", Hour, o.PerIpPerHour));
            if (poolPerIp is { } p)
                limits.Add(new QuotaLimit($"register:pool:{poolId}:ip:{ip}", TimeSpan.FromSeconds(p.Seconds), p.Limit));
        }
        limits.Add(new QuotaLimit($"register:pool:{poolId}", Minute, o.PerPoolPerMinute));
        limits.Add(new QuotaLimit($"register:pool:{poolId}", Hour, o.PerPoolPerHour));
        return limits;
    }

    /// <summary>The isUserExists limits for a pool and a client IP.</summary>
    public IReadOnlyList<QuotaLimit> LookupLimits(string poolId, string? ip)
    {
        var o = Options.Lookup;
        var limits = new List<QuotaLimit>(2);
        if (!string.IsNullOrEmpty(ip))
            limits.Add(new QuotaLimit($"lookup:ip:{ip}", Minute, o.PerIpPerMinute));
        limits.Add(new QuotaLimit($"lookup:pool:{poolId}", Minute, o.PerPoolPerMinute));
        return limits;
    }
}
