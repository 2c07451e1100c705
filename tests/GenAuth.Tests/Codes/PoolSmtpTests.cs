namespace GenAuth.Tests.Codes;

/// <summary>An admin points the pool at its own mail server: codes go there instead of the outbox; the password is never read back.</summary>
public sealed class PoolSmtpTests(OutboxServer server) : IClassFixture<OutboxServer>
{
    private const string Update = "mutation($i: UserpoolSmtpInput!) { updateUserpoolSmtp(input: $i) { host port security username passwordSet from } }";

    [Fact]
    public async Task Codes_go_to_the_pools_own_smtp_server_once_an_admin_sets_it()
    {
        using var sink = new SmtpSink();
        var admin = await server.AdminTokenAsync();
        var set = (await server.GqlAsync(Update, new
        {
            i = new { host = "127.0.0.1", port = sink.Port, security = "none", username = "", password = "s3cret", from = "Pool <pool@genauth.test>" },
        }, token: admin)).Data("updateUserpoolSmtp");
        var email = GqlResult.Email("pool-smtp");

        var sent = await server.GqlAsync("mutation($e: String!) { sendEmail(email: $e, scene: VERIFY_CODE) { code } }", new { e = email });

        Assert.Equal("None", set.GetProperty("security").GetString());
        Assert.True(set.GetProperty("passwordSet").GetBoolean());
        Assert.Equal(200, sent.Code());
        var mail = Assert.Single(sink.MessagesTo(email));
        Assert.Equal("pool@genauth.test", mail.From.Mailboxes.Single().Address);
        Assert.Matches(SmtpSink.CodePattern(), mail.TextBody);
        var read = (await server.GqlAsync("{ userpoolSmtp { host passwordSet } }", token: admin)).Data("userpoolSmtp");
        Assert.DoesNotContain("s3cret", read.ToString());

        var cleared = (await server.GqlAsync(Update, new { i = new { host = "" } }, token: admin)).Data("updateUserpoolSmtp");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, cleared.GetProperty("host").ValueKind);
        Assert.False(cleared.GetProperty("passwordSet").GetBoolean());
    }

    [Fact]
    public async Task Bad_settings_and_non_admins_are_refused()
    {
        var admin = await server.AdminTokenAsync();

        Assert.Equal(400, (await server.GqlAsync(Update, new { i = new { host = "h", port = 70000 } }, token: admin)).Code());
        Assert.Equal(400, (await server.GqlAsync(Update, new { i = new { host = "h", security = "maybe" } }, token: admin)).Code());
        Assert.Equal(2020, (await server.GqlAsync(Update, new { i = new { host = "h" } })).Code());
    }
}
