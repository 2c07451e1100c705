using GenAuth.Core.Common;
using GenAuth.Core.Groups;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Rbac;

/// <summary>
/// One paging policy: no limit value yields an unbounded list. A limit below 1 (GenAuth's "limit: -1" for everything)
/// reads as the largest page, <see cref="Paging.MaxLimit"/> rows, and totalCount tells how many there are.
/// </summary>
public sealed class PagingTests : IAsyncLifetime
{
    private const int Rows = Paging.MaxLimit + 5;
    private readonly GenAuthApp _app = new();
    private RbacClient _admin = null!;

    public async Task InitializeAsync() => _admin = await RbacClient.CreateAsync(_app);

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData(null, 10)]
    [InlineData(7, 7)]
    [InlineData(-1, Paging.MaxLimit)]
    [InlineData(0, Paging.MaxLimit)]
    [InlineData(int.MinValue, Paging.MaxLimit)]
    [InlineData(Paging.MaxLimit + 1, Paging.MaxLimit)]
    [InlineData(int.MaxValue, Paging.MaxLimit)]
    public void EveryLimitIsBoundedByOneCap(int? limit, int take) => Assert.Equal(take, Paging.Window(1, limit).Take);

    [Fact]
    public void FarPagesDoNotOverflow() => Assert.Equal(int.MaxValue, Paging.Window(int.MaxValue, Paging.MaxLimit).Skip);

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(100_000)]
    public async Task GroupsWithAnyLimitAreBounded(int limit)
    {
        await SeedGroupsAsync();

        var page = await _admin.AdminAsync("query($limit: Int) { groups(limit: $limit) { totalCount list { code } } }", "groups", new { limit });

        Assert.Equal(Rows, page["totalCount"]!.GetValue<int>());
        Assert.Equal(Paging.MaxLimit, page["list"]!.AsArray().Count);
    }

    [Fact]
    public async Task UsersWithLimitMinusOneAreBounded()
    {
        await _admin.SeedUsersAsync(Rows);

        var page = await _admin.AdminAsync("query { users(limit: -1) { totalCount list { id } } }", "users");

        Assert.Equal(Rows, page["totalCount"]!.GetValue<int>());
        Assert.Equal(Paging.MaxLimit, page["list"]!.AsArray().Count);
    }

    private Task SeedGroupsAsync() => _app.QueryDbAsync(async db =>
    {
        var now = DateTime.UtcNow;
        for (var i = 0; i < Rows; i++)
            db.Groups.Add(new Group { Id = Ids.New(), UserPoolId = _app.UserPoolId, Code = $"g{i:D3}", Name = $"G{i}", CreatedAt = now, UpdatedAt = now });
        return await db.SaveChangesAsync();
    });
}
