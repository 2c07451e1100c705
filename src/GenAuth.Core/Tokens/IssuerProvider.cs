using Microsoft.Extensions.Options;

namespace GenAuth.Core.Tokens;

/// <summary>The issuer URL of a pool's tokens: {PublicUrl}/oidc (PublicUrl defaults to http://localhost:5000).</summary>
public sealed class IssuerProvider(IOptions<GenAuthOptions> options)
{
    public string BaseUrl => (options.Value.PublicUrl ?? "http://localhost:5000").TrimEnd('/');

    public string Issuer(string poolId) => $"{BaseUrl}/oidc";
}
