using System.Text.Json;
using System.Text.Json.Nodes;
using GenAuth.Core.Common;
using GenAuth.Core.ExtIdps;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.ExtIdps;

/// <summary>
/// Identity sources for admins through GraphQL: the same operations as the REST /api/v2/extIdp* paths (ExtIdpService,
/// admin-only, the caller's pool). A connection's fields travel as a JSON object in a string; secret fields are sealed
/// and never answered (an update that leaves one out keeps it).
/// </summary>
public sealed class ExtIdpAdminFields : IQueryFields, IMutationFields
{
    void IQueryFields.Register(ObjectGraphType q)
    {
        q.Field<NonNullGraphType<ListGraphType<NonNullGraphType<ExtIdpType>>>>("extIdps")
            .Description("The pool's identity sources with their connections (secret fields never included).").AdminOnly()
            .Argument<StringGraphType>("tenantId", "Only the sources of this tenant.")
            .ResolveAsync(async c => await c.Service<ExtIdpService>().ListAsync(c.GetArgument<string?>("tenantId"), c.CancellationToken));
        q.Field<NonNullGraphType<ListGraphType<NonNullGraphType<AppExtIdpConnType>>>>("appExtIdpConns")
            .Description("The pool's connections as one app (under one tenant) sees them: each with whether it is usable there.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("appId", "The application's id.")
            .Argument<StringGraphType>("tenantId", "The tenant the app is used under (tenant-enabled apps only; else ignored).")
            .ResolveAsync(async c => await c.Service<ExtIdpService>().ForAppAsync(c.GetArgument<string>("appId"), c.GetArgument<string?>("tenantId"),
                c.CancellationToken));
        q.Field<ExtIdpType>("extIdp")
            .Description("One identity source with its connections.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("id", "The identity source's id.")
            .ResolveAsync(async c => await c.Service<ExtIdpService>().GetAsync(c.GetArgument<string>("id"), c.CancellationToken));
    }

    void IMutationFields.Register(ObjectGraphType m)
    {
        m.Field<NonNullGraphType<ExtIdpType>>("createExtIdp")
            .Description("Creates an identity source and its connections.").AdminOnly()
            .Argument<NonNullGraphType<CreateExtIdpInputType>>("input", "The source and its connections.")
            .ResolveAsync(async c =>
            {
                var i = c.GetArgument<CreateExtIdpArgs>("input");
                return await c.Service<ExtIdpService>().CreateAsync(i.Name, i.Type, i.TenantId, i.Connections?.Select(x => x.ToInput()).ToList(),
                    c.CancellationToken);
            });
        m.Field<NonNullGraphType<ExtIdpType>>("updateExtIdp")
            .Description("Renames an identity source.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("id", "The identity source's id.")
            .Argument<NonNullGraphType<StringGraphType>>("name", "Its new name.")
            .ResolveAsync(async c => await c.Service<ExtIdpService>().UpdateAsync(c.GetArgument<string>("id"), c.GetArgument<string>("name"),
                c.CancellationToken));
        m.Field<NonNullGraphType<CommonMessageType>>("deleteExtIdp")
            .Description("Deletes an identity source, its connections and the identities linked through them.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("id", "The identity source's id.")
            .ResolveAsync(async c =>
            {
                await c.Service<ExtIdpService>().DeleteAsync(c.GetArgument<string>("id"), c.CancellationToken);
                return Messages.Ok(c, "删除成功", "Identity source deleted");
            });
        m.Field<NonNullGraphType<CommonMessageType>>("changeExtIdpConnState")
            .Description("Turns every connection of an identity source on or off: for the whole pool, or only for the app and/or tenant named.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("id", "The identity source's id.")
            .Argument<NonNullGraphType<BooleanGraphType>>("enabled", "On or off.")
            .Argument<StringGraphType>("appId", "Only for this application (its hosted login page and sign-ins from it).")
            .Argument<StringGraphType>("tenantId", "Only under this tenant (with appId: that app under the tenant; alone: every app of the tenant).")
            .ResolveAsync(async c =>
            {
                await c.Service<ExtIdpService>().SetIdpStateAsync(c.GetArgument<string>("id"), c.GetArgument<bool>("enabled"), c.CancellationToken,
                    c.GetArgument<string?>("appId"), c.GetArgument<string?>("tenantId"));
                return Messages.Ok(c, "修改成功", "State changed");
            });
        m.Field<NonNullGraphType<ExtIdpConnType>>("createExtIdpConn")
            .Description("Adds a connection to an identity source.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("extIdpId", "The identity source's id.")
            .Argument<NonNullGraphType<ExtIdpConnInputType>>("input", "The connection.")
            .ResolveAsync(async c => await c.Service<ExtIdpService>().CreateConnAsync(c.GetArgument<string>("extIdpId"),
                c.GetArgument<ExtIdpConnArgs>("input").ToInput(), c.CancellationToken));
        m.Field<NonNullGraphType<ExtIdpConnType>>("updateExtIdpConn")
            .Description("Changes a connection; fields left out (secret ones included) keep their value.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("id", "The connection's id.")
            .Argument<NonNullGraphType<ExtIdpConnInputType>>("input", "The values to change.")
            .ResolveAsync(async c => await c.Service<ExtIdpService>().UpdateConnAsync(c.GetArgument<string>("id"),
                c.GetArgument<ExtIdpConnArgs>("input").ToInput(), c.CancellationToken));
        m.Field<NonNullGraphType<CommonMessageType>>("deleteExtIdpConn")
            .Description("Deletes a connection and the identities linked through it.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("id", "The connection's id.")
            .ResolveAsync(async c =>
            {
                await c.Service<ExtIdpService>().DeleteConnAsync(c.GetArgument<string>("id"), c.CancellationToken);
                return Messages.Ok(c, "删除成功", "Connection deleted");
            });
        m.Field<NonNullGraphType<CommonMessageType>>("changeExtIdpConnectionState")
            .Description("Turns one connection on or off: for the whole pool (the master switch), or only for the app and/or tenant named.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("id", "The connection's id.")
            .Argument<NonNullGraphType<BooleanGraphType>>("enabled", "On or off.")
            .Argument<StringGraphType>("appId", "Only for this application (its hosted login page and sign-ins from it).")
            .Argument<StringGraphType>("tenantId", "Only under this tenant (with appId: that app under the tenant; alone: every app of the tenant).")
            .ResolveAsync(async c =>
            {
                await c.Service<ExtIdpService>().SetConnStateAsync(c.GetArgument<string>("id"), c.GetArgument<bool>("enabled"), c.CancellationToken,
                    c.GetArgument<string?>("appId"), c.GetArgument<string?>("tenantId"));
                return Messages.Ok(c, "修改成功", "State changed");
            });
        m.Field<NonNullGraphType<BooleanGraphType>>("checkExtIdpConnIdentifier")
            .Description("Whether a connection identifier is free in the pool (a malformed one is an error).").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("identifier", "The identifier to check.")
            .ResolveAsync(async c =>
            {
                try
                {
                    await c.Service<ExtIdpService>().RequireIdentifierFreeAsync(c.GetArgument<string>("identifier"), c.CancellationToken);
                    return true;
                }
                catch (GenAuthException e) when (e.Error == ErrorCodes.ExtIdpIdentifierTaken)
                {
                    return false;
                }
            });
    }
}

public sealed class ExtIdpType : ObjectGraphType<ExtIdpView>
{
    public ExtIdpType()
    {
        Name = "ExtIdp";
        Description = "An identity source: a named group of connections of one kind.";
        Field<NonNullGraphType<StringGraphType>>("id").Description("The source's id.").Resolve(c => c.Source.Idp.Id);
        Field<NonNullGraphType<StringGraphType>>("name").Description("The source's name.").Resolve(c => c.Source.Idp.Name);
        Field<NonNullGraphType<StringGraphType>>("type").Description("The source's kind (its connections' type).").Resolve(c => c.Source.Idp.Type);
        Field<StringGraphType>("tenantId").Description("The tenant the source belongs to, if any.").Resolve(c => c.Source.Idp.TenantId);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ExtIdpConnType>>>>("connections").Description("Its connections.")
            .Resolve(c => c.Source.Connections);
        Field<StringGraphType>("createdAt").Description("When it was created (ISO 8601).").Resolve(c => c.Source.Idp.CreatedAt.Iso());
        Field<StringGraphType>("updatedAt").Description("When it last changed (ISO 8601).").Resolve(c => c.Source.Idp.UpdatedAt.Iso());
    }
}

public sealed class ExtIdpConnType : ObjectGraphType<ExtIdpConnView>
{
    public ExtIdpConnType()
    {
        Name = "ExtIdpConn";
        Description = "A connection of an identity source: how to reach one provider.";
        Field<NonNullGraphType<StringGraphType>>("id").Description("The connection's id.").Resolve(c => c.Source.Conn.Id);
        Field<NonNullGraphType<StringGraphType>>("extIdpId").Description("The identity source's id.").Resolve(c => c.Source.Conn.ExtIdpId);
        Field<NonNullGraphType<StringGraphType>>("type").Description("oidc, oauth2, github, apple, ldap, ad, …").Resolve(c => c.Source.Conn.Type);
        Field<NonNullGraphType<StringGraphType>>("identifier").Description("The URL name (/connections/social/{identifier}), unique in the pool.")
            .Resolve(c => c.Source.Conn.Identifier);
        Field<NonNullGraphType<StringGraphType>>("displayName").Description("The name on the sign-in button.").Resolve(c => c.Source.Conn.DisplayName);
        Field<StringGraphType>("logo").Description("The logo's URL.").Resolve(c => c.Source.Conn.Logo);
        Field<NonNullGraphType<BooleanGraphType>>("enabled").Description("The pool-wide switch: off, no app can use the connection.")
            .Resolve(c => c.Source.Conn.Enabled);
        Field<NonNullGraphType<StringGraphType>>("fields").Description("The non-secret fields as a JSON object.")
            .Resolve(c => c.Source.Fields.ToJsonString());
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("userMatchFields")
            .Description("User fields an external profile may match when verified on both sides (email, phone).").Resolve(c => c.Source.UserMatchFields);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ExtIdpConnAppStateType>>>>("appStates")
            .Description("Its per-app / per-tenant switches (an app or tenant without one follows the pool-wide switch).")
            .ResolveAsync(async c => await c.Service<ExtIdpService>().AppStatesAsync(c.Source.Conn.Id, c.CancellationToken));
        Field<StringGraphType>("createdAt").Description("When it was created (ISO 8601).").Resolve(c => c.Source.Conn.CreatedAt.Iso());
        Field<StringGraphType>("updatedAt").Description("When it last changed (ISO 8601).").Resolve(c => c.Source.Conn.UpdatedAt.Iso());
    }
}

public sealed class ExtIdpConnAppStateType : ObjectGraphType<ExtIdpConnAppState>
{
    public ExtIdpConnAppStateType()
    {
        Name = "ExtIdpConnAppState";
        Description = "A connection switched on or off for one app, one tenant, or one app under one tenant.";
        Field<StringGraphType>("appId").Description("The application (null: every app of the tenant).")
            .Resolve(c => c.Source.AppId.Length == 0 ? null : c.Source.AppId);
        Field<StringGraphType>("tenantId").Description("The tenant (null: the app outside any tenant).")
            .Resolve(c => c.Source.TenantId.Length == 0 ? null : c.Source.TenantId);
        Field<NonNullGraphType<BooleanGraphType>>("enabled").Description("On or off there.").Resolve(c => c.Source.Enabled);
        Field<StringGraphType>("updatedAt").Description("When it last changed (ISO 8601).").Resolve(c => c.Source.UpdatedAt.Iso());
    }
}

public sealed class AppExtIdpConnType : ObjectGraphType<(ExtIdpConnView Conn, bool Enabled)>
{
    public AppExtIdpConnType()
    {
        Name = "AppExtIdpConn";
        Description = "A connection as one app sees it.";
        Field<NonNullGraphType<ExtIdpConnType>>("connection").Description("The connection.").Resolve(c => c.Source.Conn);
        Field<NonNullGraphType<BooleanGraphType>>("enabled")
            .Description("Whether the app (under the tenant asked) shows it and may sign in through it: the pool switch and the app's / tenant's.")
            .Resolve(c => c.Source.Enabled);
    }
}

public sealed class ExtIdpConnArgs
{
    public string? Type { get; set; }
    public string? Identifier { get; set; }
    public string? DisplayName { get; set; }
    public string? Logo { get; set; }
    public string? Fields { get; set; }
    public List<string>? UserMatchFields { get; set; }

    public ExtIdpConnInput ToInput()
    {
        JsonObject? fields = null;
        if (Fields is not null)
        {
            try
            {
                fields = Fields.Length <= ExtIdpService.MaxFieldsBytes ? JsonNode.Parse(Fields) as JsonObject : null;
            }
            catch (JsonException)
            {
                fields = null;
            }
            if (fields is null)
                throw new GenAuthException(ErrorCodes.ExtIdpFieldInvalid, new { field = "fields" });
        }
        return new ExtIdpConnInput(Type, Identifier, DisplayName, fields, UserMatchFields, Logo);
    }
}

public sealed class CreateExtIdpArgs
{
    public string? Name { get; set; }
    public string? Type { get; set; }
    public string? TenantId { get; set; }
    public List<ExtIdpConnArgs>? Connections { get; set; }
}

public sealed class ExtIdpConnInputType : InputObjectGraphType<ExtIdpConnArgs>
{
    public ExtIdpConnInputType()
    {
        Name = "ExtIdpConnInput";
        Field(x => x.Type, nullable: true).Description("oidc, oauth2, github, apple, line, facebook, feishu, ldap, ad, … (create only).");
        Field(x => x.Identifier, nullable: true).Description("The URL name, unique in the pool (create only).");
        Field(x => x.DisplayName, nullable: true).Description("The name on the sign-in button.");
        Field(x => x.Logo, nullable: true).Description("The logo's URL.");
        Field(x => x.Fields, nullable: true).Description("The connection's fields as a JSON object (clientId, clientSecret, issuerUrl, …).");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("userMatchFields").Description("User fields an external profile may match when verified on both sides (email, phone).");
    }
}

public sealed class CreateExtIdpInputType : InputObjectGraphType<CreateExtIdpArgs>
{
    public CreateExtIdpInputType()
    {
        Name = "CreateExtIdpInput";
        Field(x => x.Name, nullable: true).Description("The source's name.");
        Field(x => x.Type, nullable: true).Description("The source's kind (its connections' type).");
        Field(x => x.TenantId, nullable: true).Description("The tenant the source belongs to, if any.");
        Field<ListGraphType<NonNullGraphType<ExtIdpConnInputType>>>("connections").Description("Its connections.");
    }
}
