using GenAuth.Core;
using GenAuth.Core.Admin;
using GenAuth.Core.Pools;
using GenAuth.Core.Tokens;
using Microsoft.Extensions.Options;

namespace GenAuth.Server.Hosting;

/// <summary>Migrates and bootstraps before the server listens; prints the credentials and URLs once it does.</summary>
public sealed class BootstrapService(Bootstrapper bootstrapper, IssuerProvider issuer, IHostApplicationLifetime lifetime,
    IOptions<GenAuthOptions> options) : IHostedLifecycleService
{
    public BootstrapInfo? Info { get; private set; }

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        Info = await bootstrapper.RunAsync(cancellationToken);
        lifetime.ApplicationStarted.Register(Print);
    }

    private void Print()
    {
        if (Info is null)
            return;
        var baseUrl = issuer.BaseUrl;
        var dataDir = Path.GetFullPath(options.Value.DataDirectory);
        // Note: written to stdout on purpose, not through the logger, so log shipping never carries the secret.
        Console.WriteLine($"""

            GenAuth is ready{(Info.Created ? " (first start: default user pool and app created)" : "")}
              User pool id : {Info.UserPoolId}
              App id       : {Info.AppId}
              Pool secret  : {(Info.Created ? Info.Secret : "(unchanged, see bootstrap.json)")}
              Start page   : {baseUrl}/
              GraphQL      : {baseUrl}/graphql/v2
              IDE          : {baseUrl}/graphql/v2 (open in a browser)
              JWKS         : {baseUrl}/oidc/.well-known/jwks.json
              Data         : {dataDir} (bootstrap.json holds the ids and secret)

            """);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
