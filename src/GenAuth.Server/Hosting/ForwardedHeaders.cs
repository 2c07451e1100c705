using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using IPNetwork = System.Net.IPNetwork;

namespace GenAuth.Server.Hosting;

/// <summary>GenAuth:Http:TrustedProxies — the reverse proxies whose X-Forwarded-For / X-Forwarded-Proto we believe.</summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "GenAuth:Http";

    /// <summary>
    /// IP addresses or CIDR networks ("10.0.0.5", "10.0.0.0/8", "::1"). Empty (the default): the headers are ignored
    /// and the connection's address is the client's, so a caller can't pick its own IP for the per-IP limits.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Parses <see cref="TrustedProxies"/>; an entry that is neither an address nor a network is an error at start.</summary>
    public IReadOnlyList<IPNetwork> Networks()
    {
        var networks = new List<IPNetwork>();
        foreach (var raw in TrustedProxies.SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (IPNetwork.TryParse(raw, out var network))
                networks.Add(network);
            else if (IPAddress.TryParse(raw, out var address))
                networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            else
                throw new OptionsValidationException(Section, typeof(ForwardedHeadersSettings),
                    [$"GenAuth:Http:TrustedProxies: '{raw}' is not an IP address or CIDR network"]);
        }
        return networks;
    }
}

/// <summary>
/// Behind a reverse proxy every request comes from the proxy's address, so per-IP limits (login throttle, quotas)
/// would share one allowance among all users and logs would show the proxy. With trusted proxies configured, the
/// client address is taken from X-Forwarded-For, walking right to left only through trusted hops (a client can
/// prepend anything it likes; the first untrusted hop is the client), and the scheme from X-Forwarded-Proto.
/// </summary>
public static class ForwardedHeaders
{
    public static IServiceCollection AddGenAuthForwardedHeaders(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersSettings>().BindConfiguration(ForwardedHeadersSettings.Section)
            .Validate(s => { s.Networks(); return true; }).ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((o, settings) =>
        {
            o.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor
                                 | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
            // Note: ASP.NET Core trusts loopback by default; we trust exactly what is configured.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var network in settings.Value.Networks())
                o.KnownIPNetworks.Add(network);
            // Note: every hop is checked against the trusted list before the next one to its left is believed, so
            // a chain of trusted proxies of any length works and no client-written entry is ever taken.
            o.ForwardLimit = null;
            o.RequireHeaderSymmetry = false;
        });
        return services;
    }

    /// <summary>Only when proxies are configured: without them there is nothing to believe.</summary>
    public static WebApplication UseGenAuthForwardedHeaders(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ForwardedHeadersSettings>>().Value.Networks().Count > 0)
            app.UseForwardedHeaders();
        return app;
    }
}
