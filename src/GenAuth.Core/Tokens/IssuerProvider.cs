using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Tokens;

/// <summary>
/// The server's public base URL and the issuer of a pool's tokens ({BaseUrl}/oidc). GenAuth:PublicUrl when set;
/// otherwise the address the server actually listens on (https preferred, a wildcard host read as localhost), so a
/// server started with --urls http://127.0.0.1:5402 names that address in discovery, tokens and mail links; before
/// the server listens (or without one), http://localhost:5000.
/// </summary>
public sealed class IssuerProvider(IOptions<GenAuthOptions> options, IServer? server = null)
{
    public const string FallbackUrl = "http://localhost:5000";

    public string BaseUrl => (options.Value.PublicUrl ?? ListeningUrl() ?? FallbackUrl).TrimEnd('/');

    public string Issuer(string poolId) => $"{BaseUrl}/oidc";

    // Note: read each time rather than cached: before Kestrel binds, the feature lists the configured URLs (port 0 unresolved).
    private string? ListeningUrl()
    {
        var addresses = server?.Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is null || addresses.Count == 0)
            return null;
        var parsed = addresses.Select(Parse).OfType<BindingAddress>().Where(a => a.Port > 0).ToList();
        var chosen = parsed.FirstOrDefault(a => a.Scheme == "https") ?? parsed.FirstOrDefault();
        if (chosen is null)
            return null;
        var host = chosen.Host is "+" or "*" or "0.0.0.0" or "[::]" or "::" ? "localhost" : chosen.Host;
        return $"{chosen.Scheme}://{host}:{chosen.Port}{chosen.PathBase}";
    }

    private static BindingAddress? Parse(string address)
    {
        try
        {
            var parsed = BindingAddress.Parse(address);
            return parsed.IsUnixPipe || parsed.IsNamedPipe ? null : parsed;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
