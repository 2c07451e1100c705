using GenAuth.Core.Common;

namespace GenAuth.Core.Pools;

/// <summary>
/// A pool's allowedOrigins (GenAuth stores one string: origins separated by new lines; commas and spaces are accepted
/// too). Each is a web origin as browsers send it in the Origin header: http or https, host, optional port, nothing
/// else. Matching is exact, so no wildcard, no path and no "null".
/// </summary>
public static class OriginList
{
    public const int MaxOrigins = 100;
    public const int MaxOriginLength = 255;

    private static readonly char[] Separators = ['\n', '\r', ',', ' ', '\t'];

    /// <summary>The admin's input, checked and written the way browsers serialise origins; "" clears the list.</summary>
    /// <exception cref="GenAuthException">2072 naming the first entry that is no origin.</exception>
    public static string Normalize(string input)
    {
        var entries = input.Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length > MaxOrigins)
            throw new GenAuthException(ErrorCodes.InvalidOrigin, detail: $"at most {MaxOrigins} origins");
        var origins = new List<string>(entries.Length);
        foreach (var entry in entries)
        {
            var origin = TryNormalize(entry)
                         ?? throw new GenAuthException(ErrorCodes.InvalidOrigin, detail: $"'{Shorten(entry)}' is not an origin");
            if (!origins.Contains(origin, StringComparer.Ordinal))
                origins.Add(origin);
        }
        return string.Join('\n', origins);
    }

    /// <summary>The origins of a stored list; entries that are no origin (stored before they were checked) are skipped.</summary>
    public static IReadOnlyList<string> Parse(string? stored)
    {
        if (string.IsNullOrWhiteSpace(stored))
            return [];
        var origins = new List<string>();
        foreach (var entry in stored.Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (TryNormalize(entry) is { } origin)
                origins.Add(origin);
        return origins;
    }

    /// <summary>scheme://host[:port] in lower case with the host in ASCII (IDNA) and no default port, or null.</summary>
    public static string? TryNormalize(string entry)
    {
        if (entry.Length is 0 or > MaxOriginLength || entry.Contains('*'))
            return null;
        // A trailing slash is the one path admins type by habit ("https://app.example.com/").
        var text = entry.EndsWith('/') ? entry[..^1] : entry;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.UserInfo.Length > 0 || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0
            || text.EndsWith('/') || string.IsNullOrEmpty(uri.IdnHost))
            return null;
        var host = uri.HostNameType == UriHostNameType.IPv6 ? $"[{uri.IdnHost.Trim('[', ']')}]" : uri.IdnHost.ToLowerInvariant();
        return uri.IsDefaultPort ? $"{uri.Scheme}://{host}" : $"{uri.Scheme}://{host}:{uri.Port}";
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : TextCut.Clip(s, 80) + "…";
}
