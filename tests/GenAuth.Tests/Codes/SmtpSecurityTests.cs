using Microsoft.AspNetCore.Hosting;

namespace GenAuth.Tests.Codes;

/// <summary>
/// GenAuth:Smtp's transport security and login against a real SMTP server (in process, self-signed certificate):
/// STARTTLS, TLS on connect, AUTH; an untrusted certificate or a wrong password is a delivery failure (2061), never
/// a message sent in clear or anonymously.
/// </summary>
public sealed class SmtpSecurityTests
{
    private const string Send = "mutation($e: String!) { sendEmail(email: $e, scene: VERIFY_CODE) { code } }";

    [Theory]
    [InlineData(SmtpSinkSecurity.StartTls, "StartTls")]
    [InlineData(SmtpSinkSecurity.StartTls, "Auto")]
    [InlineData(SmtpSinkSecurity.SslOnConnect, "SslOnConnect")]
    public async Task Mail_goes_over_tls_with_login_to_a_pinned_server(SmtpSinkSecurity tls, string security)
    {
        using var sink = new SmtpSink(tls, user: "mailer", password: "relay-pass");
        await using var server = new MailServer(sink, security, ("Username", "mailer"), ("Password", "relay-pass"),
            ("TrustedCertificateSha256", sink.CertificateSha256!));
        var email = GqlResult.Email("smtp-tls");

        var sent = await server.GqlAsync(Send, new { e = email });

        Assert.Equal(200, sent.Code());
        var mail = Assert.Single(sink.Received, r => r.Message.To.Mailboxes.Any(m => m.Address == email));
        Assert.True(mail.Secure, "the message crossed an unencrypted session");
        Assert.Equal("mailer", mail.User);
        Assert.Matches(SmtpSink.CodePattern(), mail.Message.TextBody);
        Assert.Equal(0, sink.FailedLogins);
    }

    [Fact]
    public async Task A_certificate_that_is_neither_trusted_nor_pinned_is_refused()
    {
        using var sink = new SmtpSink(SmtpSinkSecurity.StartTls);
        using var other = new SmtpSink(SmtpSinkSecurity.StartTls);
        await using var unpinned = new MailServer(sink, "StartTls");
        await using var pinnedToAnother = new MailServer(sink, "StartTls", ("TrustedCertificateSha256", other.CertificateSha256!));

        var withoutPin = await unpinned.GqlAsync(Send, new { e = GqlResult.Email("smtp-untrusted") });
        var wrongPin = await pinnedToAnother.GqlAsync(Send, new { e = GqlResult.Email("smtp-wrong-pin") });

        Assert.Equal(2061, withoutPin.Code());
        Assert.Equal(2061, wrongPin.Code());
        Assert.Empty(sink.Received);
    }

    [Fact]
    public async Task A_wrong_password_is_a_delivery_failure_and_nothing_is_sent()
    {
        using var sink = new SmtpSink(SmtpSinkSecurity.SslOnConnect, user: "mailer", password: "relay-pass");
        await using var server = new MailServer(sink, "SslOnConnect", ("Username", "mailer"), ("Password", "not-it"),
            ("TrustedCertificateSha256", sink.CertificateSha256!));

        var sent = await server.GqlAsync(Send, new { e = GqlResult.Email("smtp-badpass") });

        Assert.Equal(2061, sent.Code());
        Assert.True(sink.FailedLogins >= 1, "the server never saw a login attempt");
        Assert.Empty(sink.Received);
        Assert.DoesNotContain(server.Logs.Lines, l => l.Contains("not-it"));
    }

    [Fact]
    public async Task Without_a_login_a_server_that_requires_one_gets_no_mail()
    {
        using var sink = new SmtpSink(SmtpSinkSecurity.StartTls, user: "mailer", password: "relay-pass");
        await using var server = new MailServer(sink, "StartTls", ("TrustedCertificateSha256", sink.CertificateSha256!));

        var sent = await server.GqlAsync(Send, new { e = GqlResult.Email("smtp-anon") });

        Assert.Equal(2061, sent.Code());
        Assert.Empty(sink.Received);
    }

    /// <summary>A server whose GenAuth:Smtp points at the given sink with the given security and extra GenAuth:Smtp keys.</summary>
    private sealed class MailServer(SmtpSink sink, string security, params (string Key, string Value)[] smtp) : CodesServer
    {
        protected override bool Delivery => false;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("GenAuth:Smtp:Host", "127.0.0.1");
            builder.UseSetting("GenAuth:Smtp:Port", sink.Port.ToString());
            builder.UseSetting("GenAuth:Smtp:Security", security);
            builder.UseSetting("GenAuth:Smtp:From", "GenAuth Tests <no-reply@genauth.test>");
            builder.UseSetting("GenAuth:Smtp:TimeoutSeconds", "10");
            foreach (var (key, value) in smtp)
                builder.UseSetting("GenAuth:Smtp:" + key, value);
        }
    }
}
