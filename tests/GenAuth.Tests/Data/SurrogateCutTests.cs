using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GenAuth.Core.Common;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Data;

/// <summary>
/// Text cut to a limit is cut on a code-point boundary (issue 14, small): an emoji (a UTF-16 surrogate pair) at the cut
/// position is dropped whole. Keeping its high half would write text that is not valid UTF-8: PostgreSQL refuses it
/// (a 500), SQLite stores a replacement character.
/// </summary>
public sealed class SurrogateCutTests
{
    public static TheoryData<string> Providers => new() { "Sqlite", "Postgres" };

    private const string Emoji = "😀";

    private static async Task<JsonNode> RestAsync(GraphQLClient client, string path, object body, string token,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var request = client.NewRequest(HttpMethod.Post, path, token, headers);
        request.Content = JsonContent.Create(body);
        using var response = await client.Http.SendAsync(request);
        return await GraphQLClient.ReadJsonAsync(response);
    }

    private static JsonNode Data(JsonNode envelope)
    {
        Assert.True(envelope["code"]!.GetValue<int>() == 200, envelope.ToJsonString());
        return envelope["data"]!;
    }

    [Fact]
    public void ClipNeverKeepsHalfAPair()
    {
        Assert.Equal("ab", TextCut.Clip("ab" + Emoji, 3));
        Assert.Equal("ab" + Emoji, TextCut.Clip("ab" + Emoji, 4));
        Assert.Equal("ab" + Emoji, TextCut.Clip("ab" + Emoji + "c", 4));
        Assert.Equal("", TextCut.Clip(Emoji, 1));
        Assert.Equal("abc", TextCut.Clip("abc", 10));
        Assert.Null(TextCut.Clip(null, 3));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ADeviceNameCutAtAnEmojiDropsTheWholeEmoji(string provider)
    {
        await using var app = new GenAuthApp(settings: new Dictionary<string, string?> { ["GenAuth:Database:Provider"] = provider });
        var client = app.CreateGraphQLClient();
        var device = new Dictionary<string, string> { ["User-Agent"] = "SurrogateCut/1.0", ["x-authing-device-id"] = "fp-cut" };
        GraphQLClient.Success(await client.RegisterByEmailAsync("cut@example.com"), "registerByEmail");
        var token = GraphQLClient.Success(await client.LoginByEmailAsync("cut@example.com", headers: device), "loginByEmail")["token"]!.GetValue<string>();

        // Device.Name keeps 256 UTF-16 units: 255 'a' and an emoji is 257, cut at 256, through the emoji.
        var cut = Data(await RestAsync(client, "/api/v3/create-device", new { deviceUniqueId = "fp-cut", name = new string('a', 255) + Emoji }, token, device));
        Assert.Equal(new string('a', 255), cut["name"]!.GetValue<string>());
        Assert.Equal(new string('a', 255), await app.QueryDbAsync(db => db.Devices.Where(d => d.Id == cut["id"]!.GetValue<string>()).Select(d => d.Name).SingleAsync()));

        // 254 'a' and an emoji is exactly 256: kept whole.
        var whole = Data(await RestAsync(client, "/api/v3/create-device", new { deviceUniqueId = "fp-cut", name = new string('a', 254) + Emoji }, token, device));
        Assert.Equal(new string('a', 254) + Emoji, await app.QueryDbAsync(db => db.Devices.Where(d => d.Id == whole["id"]!.GetValue<string>()).Select(d => d.Name).SingleAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AnEventSourceCutAtAnEmojiDropsTheWholeEmoji(string provider)
    {
        await using var app = new GenAuthApp(settings: new Dictionary<string, string?> { ["GenAuth:Database:Provider"] = provider });
        var client = app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(app.Secret);

        // The source keeps 128 UTF-16 units: 127 'a' and an emoji is cut through the emoji.
        Data(await RestAsync(client, "/api/v3/pub-event", new { eventType = "cut", source = new string('a', 127) + Emoji, eventData = "x" }, admin));
        var detail = JsonNode.Parse((await app.QueryDbAsync(db => db.AuditEvents.Where(e => e.Type == "custom:cut").Select(e => e.Detail).SingleAsync()))!)!;
        Assert.Equal(new string('a', 127), detail["source"]!.GetValue<string>());
    }
}
