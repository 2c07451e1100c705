using System.Net;
using System.Net.Sockets;

namespace GenAuth.Core.Webhooks;

/// <summary>
/// Which addresses a webhook may reach. Checked on the URL when a webhook is saved (literal addresses and localhost) and
/// again on every resolved address when a connection opens (SocketsHttpHandler.ConnectCallback), so a DNS name that
/// later resolves to an inside address (DNS rebinding) is refused too.
/// </summary>
public static class WebhookAddresses
{
    public enum Kind
    {
        Public,
        Loopback,
        Private,
        /// <summary>Cloud metadata, unspecified, multicast, broadcast, reserved: never allowed.</summary>
        Forbidden,
    }

    /// <summary>Why an address is refused under the options, or null when it is allowed.</summary>
    public static string? Refusal(IPAddress address, WebhookOptions options) => Classify(address) switch
    {
        Kind.Public => null,
        Kind.Loopback => options.AllowLoopback ? null : "loopback address",
        Kind.Private => options.AllowPrivateNetworks ? null : "private or link-local address",
        _ => "reserved or metadata address",
    };

    public static Kind Classify(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
            return ClassifyV4(address.GetAddressBytes());
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return Kind.Forbidden;
        var b = address.GetAddressBytes();
        if (address.Equals(IPAddress.IPv6Loopback))
            return Kind.Loopback;
        if (address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.IPv6Any))
            return Kind.Forbidden;
        // NAT64 (64:ff9b::/96) and IPv4-compatible (::/96) forms carry an IPv4 address: judge that one.
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            return ClassifyV4(b[12..]);
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
            return ClassifyV4(b[12..]);
        // AWS's IPv6 metadata endpoint fd00:ec2::254.
        if (address.Equals(AwsMetadataV6))
            return Kind.Forbidden;
        if (b[0] == 0xff)
            return Kind.Forbidden; // multicast
        if ((b[0] & 0xfe) == 0xfc)
            return Kind.Private; // unique local fc00::/7
        if (b[0] == 0xfe && (b[1] & 0xc0) is 0x80 or 0xc0)
            return Kind.Private; // link-local fe80::/10, site-local fec0::/10
        // 6to4 (2002::/16) embeds an IPv4 address in bytes 2..5.
        if (b[0] == 0x20 && b[1] == 0x02)
            return ClassifyV4(b[2..6]) is var k && k == Kind.Public ? Kind.Public : Kind.Forbidden;
        return Kind.Public;
    }

    private static readonly IPAddress AwsMetadataV6 = IPAddress.Parse("fd00:ec2::254");

    private static Kind ClassifyV4(byte[] b) => b switch
    {
        [127, ..] => Kind.Loopback,
        [169, 254, 169, 254] or [100, 100, 100, 200] or [192, 0, 0, 192] => Kind.Forbidden, // cloud metadata (AWS/GCP/Azure, Alibaba, Oracle)
        [0, ..] => Kind.Forbidden,
        [10, ..] => Kind.Private,
        [172, >= 16 and <= 31, ..] => Kind.Private,
        [192, 168, ..] => Kind.Private,
        [169, 254, ..] => Kind.Private, // link-local
        [100, >= 64 and <= 127, ..] => Kind.Private, // carrier-grade NAT
        [192, 0, 0, ..] => Kind.Private, // IETF protocol assignments
        [198, 18 or 19, ..] => Kind.Private, // benchmarking
        [>= 224, ..] => Kind.Forbidden, // multicast, reserved, broadcast
        _ => Kind.Public,
    };

    /// <summary>Checks a webhook URL when it is saved: absolute http(s), no credentials, and no refused literal host.</summary>
    public static string? UrlRefusal(string url, WebhookOptions options)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return "the URL must be an absolute http or https URL";
        if (uri.UserInfo.Length > 0)
            return "the URL must not carry credentials";
        if (uri.IsLoopback || uri.DnsSafeHost.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || uri.DnsSafeHost.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            return options.AllowLoopback ? null : "loopback address";
        if (IPAddress.TryParse(uri.DnsSafeHost, out var ip))
            return Refusal(ip, options);
        return null;
    }
}

/// <summary>A delivery refused before connecting: the address isn't allowed.</summary>
public sealed class WebhookAddressRefusedException(string message) : Exception(message);
