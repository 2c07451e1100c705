using GenAuth.Core.Messaging;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Messaging;

/// <summary>The pool's own mail server (codes, verify links, welcome mails), for admins.</summary>
public sealed class PoolSmtpFields : IQueryFields, IMutationFields
{
    void IQueryFields.Register(ObjectGraphType q) =>
        q.Field<NonNullGraphType<PoolSmtpSettingsType>>("userpoolSmtp")
            .AdminOnly()
            .Description("The pool's SMTP settings (the password is never returned).")
            .Resolve(c => c.Service<PoolSmtpService>().Get());

    void IMutationFields.Register(ObjectGraphType m) =>
        m.Field<NonNullGraphType<PoolSmtpSettingsType>>("updateUserpoolSmtp")
            .AdminOnly()
            .Description("Sets the pool's SMTP server; omitted fields stay, host \"\" clears the setting (GenAuth:Smtp or the outbox apply).")
            .Argument<NonNullGraphType<PoolSmtpInputType>>("input")
            .ResolveAsync(async c =>
            {
                var i = c.GetArgument<UserpoolSmtpInput>("input");
                return await c.Service<PoolSmtpService>().UpdateAsync(new PoolSmtpInput(i.Host, i.Port, i.Security, i.Username, i.Password, i.From),
                    c.CancellationToken);
            });
}

/// <summary>updateUserpoolSmtp's input: null (or left out) keeps the stored value.</summary>
public sealed record UserpoolSmtpInput(string? Host, int? Port, string? Security, string? Username, string? Password, string? From);

public sealed class PoolSmtpInputType : InputObjectGraphType<UserpoolSmtpInput>
{
    public PoolSmtpInputType()
    {
        Name = "UserpoolSmtpInput";
        Field(x => x.Host, typeof(StringGraphType)).Description("The SMTP server's host name; \"\" clears the pool's SMTP setting.");
        Field(x => x.Port, typeof(IntGraphType)).Description("The SMTP server's port.");
        Field(x => x.Security, typeof(StringGraphType)).Description("Auto, None, StartTls or SslOnConnect.");
        Field(x => x.Username, typeof(StringGraphType)).Description("The SMTP login; none: the server is used without authentication.");
        Field(x => x.Password, typeof(StringGraphType)).Description("Stored sealed with the master key; \"\" removes it.");
        Field(x => x.From, typeof(StringGraphType)).Description("\"Name <address>\" or an address.");
    }
}

public sealed class PoolSmtpSettingsType : ObjectGraphType<PoolSmtpView>
{
    public PoolSmtpSettingsType()
    {
        Name = "UserpoolSmtpSettings";
        Field<StringGraphType>("host").Resolve(c => c.Source.Host);
        Field<IntGraphType>("port").Resolve(c => c.Source.Port);
        Field<StringGraphType>("security").Resolve(c => c.Source.Security);
        Field<StringGraphType>("username").Resolve(c => c.Source.Username);
        Field<NonNullGraphType<BooleanGraphType>>("passwordSet").Resolve(c => c.Source.PasswordSet);
        Field<StringGraphType>("from").Resolve(c => c.Source.From);
    }
}
