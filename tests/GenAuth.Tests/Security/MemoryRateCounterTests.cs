using GenAuth.Core.Security;
using Microsoft.Extensions.Time.Testing;

namespace GenAuth.Tests.Security;

public sealed class MemoryRateCounterTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));

    [Fact]
    public async Task Hits_within_a_window_add_up_per_key()
    {
        var counter = new MemoryRateCounter(_clock);
        var window = TimeSpan.FromMinutes(1);
        Assert.Equal(1, await counter.HitAsync("a", window));
        Assert.Equal(3, await counter.HitAsync("a", window, cost: 2));
        Assert.Equal(1, await counter.HitAsync("b", window));
        Assert.Equal(3, await counter.PeekAsync("a", window));
        Assert.Equal(0, await counter.PeekAsync("never", window));
    }

    [Fact]
    public async Task The_previous_window_fades_out_linearly_and_is_gone_after_two_windows()
    {
        var counter = new MemoryRateCounter(_clock);
        var window = TimeSpan.FromMinutes(1);
        await counter.HitAsync("k", window, cost: 10);
        _clock.Advance(TimeSpan.FromSeconds(90)); // 30 s into the next window: half of the previous one still counts
        Assert.Equal(5, await counter.PeekAsync("k", window));
        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(0, await counter.PeekAsync("k", window));
    }

    [Fact]
    public async Task Reset_forgets_the_key()
    {
        var counter = new MemoryRateCounter(_clock);
        await counter.HitAsync("k", TimeSpan.FromHours(1), cost: 7);
        await counter.ResetAsync("k");
        Assert.Equal(0, await counter.PeekAsync("k", TimeSpan.FromHours(1)));
    }
}
