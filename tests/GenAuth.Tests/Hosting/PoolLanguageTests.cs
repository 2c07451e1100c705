using GenAuth.Core.Common;
using GenAuth.Tests.Infrastructure;
using GenAuth.Tests.Management;

namespace GenAuth.Tests.Hosting;

/// <summary>
/// The last step of the message-language order: a request that names no language the server writes (no x-authing-lang,
/// no usable Accept-Language) gets the pool's default, which admins set with updateUserpool(defaultLanguage).
/// </summary>
public sealed class PoolLanguageTests : ManagementTestBase
{
    private async Task SetDefaultAsync(string value)
    {
        var result = await AdminAsync("mutation($l: String) { updateUserpool(input: { defaultLanguage: $l }) { defaultLanguage } }",
            new { l = value });
        Assert.Null(result["errors"]);
    }

    private async Task<string> NotLoggedInMessageAsync(Dictionary<string, string>? headers = null)
    {
        var result = await Client.PostAsync("{ user { id } }", headers: headers);
        Assert.Equal(ErrorCodes.NotLoggedIn.Code, GraphQLClient.ErrorCode(result));
        return GraphQLClient.ErrorMessage(result);
    }

    [Fact]
    public async Task APoolDefaultingToEnglishAnswersEnglishUnlessTheRequestNamesALanguage()
    {
        Assert.StartsWith(ErrorCodes.NotLoggedIn.ZhCn, await NotLoggedInMessageAsync());

        await SetDefaultAsync("en-us");
        var pool = await AdminAsync("{ userpool { defaultLanguage } }");

        Assert.Equal("en-US", pool["data"]!["userpool"]!["defaultLanguage"]!.GetValue<string>());
        Assert.StartsWith(ErrorCodes.NotLoggedIn.EnUs, await NotLoggedInMessageAsync());
        Assert.StartsWith(ErrorCodes.NotLoggedIn.EnUs, await NotLoggedInMessageAsync(new() { ["Accept-Language"] = "fr-FR" }));
        Assert.StartsWith(ErrorCodes.NotLoggedIn.ZhCn, await NotLoggedInMessageAsync(new() { ["Accept-Language"] = "zh-CN,zh;q=0.9" }));
        Assert.StartsWith(ErrorCodes.NotLoggedIn.ZhCn, await NotLoggedInMessageAsync(new() { ["x-authing-lang"] = "zh-CN" }));

        var envelope = await RestAsync(HttpMethod.Post, "/api/v2/users/kick", new { userIds = new[] { "x" } });
        Assert.Equal(ErrorCodes.NotLoggedIn.Code, envelope["code"]!.GetValue<int>());
        Assert.Equal(ErrorCodes.NotLoggedIn.EnUs, envelope["message"]!.GetValue<string>());

        await SetDefaultAsync("");
        Assert.StartsWith(ErrorCodes.NotLoggedIn.ZhCn, await NotLoggedInMessageAsync());
    }

    [Theory]
    [InlineData("fr-FR")]
    [InlineData("english")]
    [InlineData("zh-CN; drop table")]
    public async Task AnUnknownLanguageIsRefusedAndChangesNothing(string value)
    {
        var result = await AdminAsync("mutation($l: String) { updateUserpool(input: { defaultLanguage: $l, name: \"Renamed\" }) { name } }",
            new { l = value });
        var pool = await AdminAsync("{ userpool { name defaultLanguage } }");

        Assert.Equal(ErrorCodes.BadRequest.Code, GraphQLClient.ErrorCode(result));
        Assert.Equal("zh-CN", pool["data"]!["userpool"]!["defaultLanguage"]!.GetValue<string>());
        Assert.NotEqual("Renamed", pool["data"]!["userpool"]!["name"]!.GetValue<string>());
    }
}
