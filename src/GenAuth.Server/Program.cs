using GenAuth.Core;
using GenAuth.GraphQL;
using GenAuth.Server.Cas;
using GenAuth.Server.Compat;
using GenAuth.Server.ExtIdp;
using GenAuth.Server.GraphQL;
using GenAuth.Server.Hosting;
using GenAuth.Server.Ide;
using GenAuth.Server.Oidc;
using GenAuth.Server.Operations;
using GenAuth.Server.Pages;
using GenAuth.Server.QrLogin;

// `backup <file>`: a consistent SQLite snapshot taken beside the running server (README "Operations").
if (args is [BackupCommand.Name, .. var backupArgs])
{
    Environment.ExitCode = await BackupCommand.RunAsync(backupArgs, Console.Out, Console.Error);
    return;
}

// `GenAuth.Server migrate [settings]`: apply the database migrations and exit (deployments that migrate separately).
var migrateOnly = args is ["migrate", ..];
var builder = WebApplication.CreateBuilder(migrateOnly ? args[1..] : args);
builder.Configuration.AddServerDefaults(builder.Environment);
builder.AddGenAuthOperations();

builder.Services.AddGenAuthHosting();
builder.Services.AddGenAuthCore();
builder.Services.AddGenAuthGraphQL();
builder.Services.AddGenAuthGraphQLTransports();
// One instance, both hosted and injectable: REST handlers read the default pool it bootstrapped.
builder.Services.AddSingleton<BootstrapService>();
builder.Services.AddHostedService(services => services.GetRequiredService<BootstrapService>());
builder.Services.AddHttpContextAccessor();
builder.Services.AddSingleton<GenAuth.Server.Sso.SsoCookie>();
builder.Services.AddGenAuthOidc();
builder.Services.AddHostedPages();
builder.Services.AddGenAuthExternalLogin();
builder.Services.AddGenAuthCas();

var app = builder.Build();
if (migrateOnly)
{
    await app.Services.GetRequiredService<GenAuth.Core.Admin.Bootstrapper>().MigrateAsync(CancellationToken.None);
    Console.WriteLine("GenAuth: database migrated");
    return;
}

app.UseGenAuthHosting("/graphql/v2");
app.UseWebSockets();
// The OIDC server (OpenIddict) answers its endpoints from the authentication middleware. It is our only
// authentication scheme and all its endpoints live under /oidc and /oauth, so other requests (GraphQL, REST,
// pages) skip its per-request dispatch (a few percent of the CPU of an authenticated query).
app.UseWhen(http => http.Request.Path.StartsWithSegments("/oidc") || http.Request.Path.StartsWithSegments("/oauth"),
    branch =>
    {
        branch.UseOidcTokenConnection();
        branch.UseAuthentication();
    });
// Note: WebApplication adds UseAuthentication() at the top of the pipeline unless the app marked it set; the branch's
// mark stays in the branch's copy of the properties, so mark it here or every request runs it again.
((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;
var bootstrap = app.Services.GetRequiredService<BootstrapService>();
// The IDE opens on the default pool: its id is the one header a first query needs.
app.UseBananaCakePop("/graphql/v2", () => bootstrap.Info is { } info
    ? new Dictionary<string, string> { ["x-authing-userpool-id"] = info.UserPoolId }
    : new Dictionary<string, string>());
app.MapStartPage();
app.MapGet("/healthz", () => TypedResults.Text("ok"));
app.MapGenAuthOperations();
app.MapGenAuthGraphQL("/graphql/v2");
app.MapGenAuthCompatApi();
app.MapGenAuthQrCodeApi();
app.MapQrLoginPage();
app.MapHostedPages();
app.MapGenAuthRbacApi();
app.MapGenAuthAclApi();
app.MapGenAuthTenantApi();
app.MapGenAuthDeviceApi();
app.MapGenAuthManagementApi();
app.MapGenAuthAgreementApi();
app.MapGenAuthSubAccountApi();
app.MapGenAuthDirectoryApi();
app.MapGenAuthMfaApi();
app.MapGenAuthCodeApi();
app.MapGenAuthAnalysisApi();
app.MapGenAuthEnvApi();
app.MapGenAuthOidc();
app.MapGenAuthCas();
app.MapGenAuthSignInV3Api();
app.MapGenAuthEnterpriseApi();
app.MapGenAuthExtIdpApi();
app.MapGenAuthExternalLogin();

app.Run();

/// <summary>Entry point, visible to the in-process test host.</summary>
public partial class Program;
