using System.Text.Json.Nodes;
using GenAuth.Core.Common;
using GenAuth.Core.Users;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Management;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Accounts;

/// <summary>
/// Issue 10, hole 9: look-alike identities. Usernames are unique after NFKC + case fold and by UTS #39 skeleton, emails
/// after NFKC + lower case and by the skeleton of their non-ASCII characters; hidden characters are refused; the
/// database enforces the keys, and older rows are backfilled without failing.
/// </summary>
public sealed class LookAlikeIdentityTests : ManagementTestBase
{
    private Task<JsonNode> RegisterUsername(string username) =>
        Client.PostAsync(Ops.RegisterByUsername, new { input = new { username, password = GraphQLClient.Password } });

    private static readonly Dictionary<string, string> English = new() { ["x-authing-lang"] = "en-US" };

    [Theory]
    [InlineData("\uFF41lice")] // full-width ａ
    [InlineData("ALICE")]
    [InlineData("AL\u0130CE")] // İ, capital I with dot
    public async Task SameUsernameInAnotherFormIsADuplicate(string variant)
    {
        GraphQLClient.Success(await RegisterUsername("alice"), "registerByUsername");

        var again = await Client.PostAsync(Ops.RegisterByUsername, new { input = new { username = variant, password = GraphQLClient.Password } },
            headers: English);

        Assert.Equal(2026, GraphQLClient.ErrorCode(again));
        Assert.Equal(ErrorCodes.UsernameExists.EnUs, GraphQLClient.ErrorMessage(again));
    }

    [Theory]
    [InlineData("\u0430lice")] // Cyrillic а
    [InlineData("al\u0131ce")] // dotless ı
    [InlineData("a1ice")] // digit one for l
    public async Task LookAlikeUsernameIsRefusedWithItsOwnMessage(string variant)
    {
        GraphQLClient.Success(await RegisterUsername("alice"), "registerByUsername");

        var again = await Client.PostAsync(Ops.RegisterByUsername, new { input = new { username = variant, password = GraphQLClient.Password } },
            headers: English);

        Assert.Equal(2026, GraphQLClient.ErrorCode(again));
        Assert.Equal(ErrorCodes.UsernameLookAlike.EnUs, GraphQLClient.ErrorMessage(again));
    }

    [Fact]
    public async Task CaseVariantsAndNormalisationFormsAreOneAccount()
    {
        GraphQLClient.Success(await RegisterUsername("neo"), "registerByUsername");
        GraphQLClient.Success(await RegisterUsername("n\u00E9"), "registerByUsername"); // NFC é

        Assert.Equal(2026, GraphQLClient.ErrorCode(await RegisterUsername("Neo")));
        Assert.Equal(2026, GraphQLClient.ErrorCode(await RegisterUsername("NEO")));
        Assert.Equal(2026, GraphQLClient.ErrorCode(await RegisterUsername("ne\u0301"))); // NFD e + combining acute
        Assert.Equal(1, await App.QueryDbAsync(db => db.Users.CountAsync(u => u.UsernameNormalized == "neo")));
    }

    [Theory]
    [InlineData("ali\u200Bce")] // zero-width space
    [InlineData("ali\u200Dce")] // zero-width joiner
    [InlineData("\u202Eecila")] // right-to-left override
    [InlineData("alice\u2066")] // left-to-right isolate
    [InlineData("ali\uFEFFce")] // BOM
    [InlineData("ali\u3164ce")] // Hangul filler
    [InlineData("al ice")]
    public async Task HiddenAndBidiCharactersAreRefusedInUsernames(string username)
    {
        Assert.Equal(2046, GraphQLClient.ErrorCode(await RegisterUsername(username)));
    }

    [Fact]
    public async Task LoginFindsTheUsernameInAnyCaseOrWidth()
    {
        GraphQLClient.Success(await RegisterUsername("Trinity"), "registerByUsername");

        foreach (var typed in new[] { "trinity", "TRINITY", "\uFF34rinity" })
        {
            var login = await Client.PostAsync(Ops.LoginByUsername, new { input = new { username = typed, password = GraphQLClient.Password } });
            Assert.Equal("Trinity", GraphQLClient.Success(login, "loginByUsername")["username"]!.GetValue<string>());
        }
        var byAccount = await Client.PostAsync(Ops.LoginByAccount, new { account = "TRINITY", password = GraphQLClient.Password });
        Assert.Equal("Trinity", GraphQLClient.Success(byAccount, "loginByAccount")["username"]!.GetValue<string>());
    }

    [Fact]
    public async Task AdminAndSelfUpdatesAreHeldToTheSameRule()
    {
        await CreateUserAsync(new { username = "morpheus" });
        var other = await CreateUserAsync(new { username = "oracle" });
        var (self, token) = await Client.RegisterAndLoginAsync("cypher@example.com");

        var byAdmin = await AdminAsync(Ops.UpdateUser, new { id = other, input = new { username = "M\u043Erpheus" } }); // Cyrillic о
        var bySelf = await Client.PostAsync(Ops.UpdateUser, new { id = self, input = new { username = "MORPHEUS" } }, token);
        var created = await AdminAsync("mutation($u: CreateUserInput!) { createUser(userInfo: $u) { id } }",
            new { u = new { username = "m\u00F6rpheus" } }); // ö is not a look-alike of o: a different name

        Assert.Equal(2026, Code(byAdmin));
        Assert.Equal(2026, Code(bySelf));
        GraphQLClient.Success(created, "createUser");
    }

    [Theory]
    [InlineData("\u0430lice@example.com", 2026)] // Cyrillic а in the local part
    [InlineData("\uFF41lice@example.com", 2026)] // full-width ａ
    [InlineData("ALICE@EXAMPLE.COM", 2026)]
    [InlineData("alice@ex\u0430mple.com", 2003)] // non-ASCII domain: refused, not converted
    [InlineData("ali\u200Bce@example.com", 2003)]
    [InlineData("alice@\u202Eexample.com", 2003)]
    public async Task LookAlikeEmailsAreRefused(string email, int code)
    {
        GraphQLClient.Success(await Client.RegisterByEmailAsync("alice@example.com"), "registerByEmail");

        Assert.Equal(code, GraphQLClient.ErrorCode(await Client.RegisterByEmailAsync(email)));
    }

    [Fact]
    public async Task AsciiEmailsThatOnlyLookAlikeStayDistinct()
    {
        // Note: "rn" and "m", "l" and "1" are different mailboxes that real people own: ASCII is never folded.
        GraphQLClient.Success(await Client.RegisterByEmailAsync("modern@example.com"), "registerByEmail");
        GraphQLClient.Success(await Client.RegisterByEmailAsync("rnodern@example.com"), "registerByEmail");
        GraphQLClient.Success(await Client.RegisterByEmailAsync("bill1@example.com"), "registerByEmail");
        GraphQLClient.Success(await Client.RegisterByEmailAsync("billl@example.com"), "registerByEmail");
        GraphQLClient.Success(await Client.RegisterByEmailAsync("user@xn--bcher-kva.example"), "registerByEmail");
    }

    [Fact]
    public async Task TheDatabaseRefusesLookAlikesEvenWithoutTheCheck()
    {
        GraphQLClient.Success(await RegisterUsername("smith"), "registerByUsername");

        var error = await Assert.ThrowsAsync<DbUpdateException>(() => App.QueryDbAsync(async db =>
        {
            var now = DateTime.UtcNow;
            db.Users.Add(new User { Id = "5f00000000000000000000ff", UserPoolId = App.UserPoolId, Username = "\u0455mith", CreatedAt = now, UpdatedAt = now });
            return await db.SaveChangesAsync();
        }));
        Assert.Contains("UsernameSkeleton", error.InnerException!.Message);
    }

    [Fact]
    public async Task ConcurrentLookAlikeRegistrationsCreateOneAccount()
    {
        var variants = new[] { "tank", "TANK", "t\u0430nk", "\uFF54ank", "Tank", "TANK" };
        var results = await Task.WhenAll(variants.Select(RegisterUsername));

        Assert.Equal(1, results.Count(r => r["errors"] is null));
        Assert.All(results.Where(r => r["errors"] is not null), r => Assert.Equal(2026, GraphQLClient.ErrorCode(r)));
    }

    [Fact]
    public async Task BackfillKeepsTheOlderAccountAndNeverFails()
    {
        // Rows written before the keys existed: same name in two cases, and a Cyrillic look-alike of a third.
        // Note: written through EF under placeholder names, then renamed by an UPDATE with the keys cleared (ExecuteUpdate:
        // one statement, no save hooks), as a migrated row is; EF writes it for either provider.
        var legacy = new[] { ("5f00000000000000000000a1", "Neo"), ("5f00000000000000000000a2", "neo"), ("5f00000000000000000000a3", "bob"),
            ("5f00000000000000000000a4", "b\u043Ew"), ("5f00000000000000000000a5", "b\u043Eb") };
        await App.QueryDbAsync(async db =>
        {
            var t = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            var minutes = 0;
            foreach (var (id, _) in legacy)
                db.Users.Add(new User { Id = id, UserPoolId = App.UserPoolId, Username = "legacy" + id, CreatedAt = t.AddMinutes(++minutes), UpdatedAt = t });
            await db.SaveChangesAsync();
            foreach (var (id, name) in legacy)
                await db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Username, name)
                    .SetProperty(u => u.UsernameNormalized, (string?)null).SetProperty(u => u.UsernameSkeleton, (string?)null));
            return 0;
        });

        var filled = await App.QueryDbAsync(db => IdentifierBackfill.RunAsync(db, CancellationToken.None), "");
        var again = await App.QueryDbAsync(db => IdentifierBackfill.RunAsync(db, CancellationToken.None), "");
        var rows = await App.QueryDbAsync(db => db.Users.Where(u => u.Id.StartsWith("5f00000000000000000000a"))
            .OrderBy(u => u.Id).Select(u => new { u.Username, u.UsernameNormalized, u.UsernameSkeleton }).ToListAsync());

        Assert.Equal(4, filled); // Neo, bob, bоw (Cyrillic о, its skeleton "bow" is free), bоb (its key only)
        Assert.Equal(0, again);
        Assert.Equal(("neo", true), (rows[0].UsernameNormalized, rows[0].UsernameSkeleton is not null));
        Assert.Null(rows[1].UsernameNormalized); // the later "neo" keeps null keys
        Assert.Null(rows[1].UsernameSkeleton);
        Assert.Equal("bob", rows[2].UsernameSkeleton);
        Assert.NotNull(rows[3].UsernameSkeleton);
        Assert.NotNull(rows[4].UsernameNormalized); // "bоb" with Cyrillic о: its key is free, its skeleton ("bob") is not
        Assert.Null(rows[4].UsernameSkeleton);
        Assert.Equal(2026, GraphQLClient.ErrorCode(await RegisterUsername("NEO")));
    }

    [Theory]
    [InlineData("nickname", "\u202Eevil")]
    [InlineData("nickname", "a\u0000b")]
    [InlineData("name", "x\u2067y")]
    public async Task DisplayNamesRefuseBidiControls(string field, string value)
    {
        var (id, token) = await Client.RegisterAndLoginAsync("nick@example.com");
        var input = new JsonObject { [field] = value };

        Assert.Equal(400, GraphQLClient.ErrorCode(await Client.PostAsync(Ops.UpdateUser, new { id, input }, token)));
        // Emoji sequences (zero-width joiners) stay allowed in display names.
        GraphQLClient.Success(await Client.PostAsync(Ops.UpdateUser, new { id, input = new { nickname = "\U0001F468\u200D\U0001F469\u200D\U0001F467" } }, token), "updateUser");
    }
}
