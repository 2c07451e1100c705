using GenAuth.Core.Common;

namespace GenAuth.Core.Users;

/// <summary>A small User-Agent reader: enough to fill a user's browser and device fields.</summary>
public static class UserAgentInfo
{
    public static (string? Browser, string? Device) Parse(string? ua)
    {
        if (string.IsNullOrWhiteSpace(ua))
            return (null, null);
        return (Browser(ua), Device(ua));
    }

    private static string Browser(string ua)
    {
        if (ua.Contains("Edg/", StringComparison.Ordinal)) return "Edge";
        if (ua.Contains("OPR/", StringComparison.Ordinal)) return "Opera";
        if (ua.Contains("MicroMessenger", StringComparison.Ordinal)) return "WeChat";
        if (ua.Contains("Firefox/", StringComparison.Ordinal)) return "Firefox";
        if (ua.Contains("HeadlessChrome", StringComparison.Ordinal)) return "Chrome Headless";
        if (ua.Contains("Chrome/", StringComparison.Ordinal) || ua.Contains("Chromium/", StringComparison.Ordinal)) return "Chrome";
        if (ua.Contains("Safari/", StringComparison.Ordinal)) return "Safari";
        if (ua.StartsWith("node", StringComparison.OrdinalIgnoreCase) || ua.Contains("axios", StringComparison.OrdinalIgnoreCase)) return "Node.js";
        if (ua.StartsWith("curl", StringComparison.OrdinalIgnoreCase)) return "curl";
        var slash = ua.IndexOf('/');
        return TextCut.Clip(slash > 0 ? ua[..slash] : ua, 40);
    }

    private static string Device(string ua)
    {
        if (ua.Contains("iPhone", StringComparison.Ordinal)) return "iPhone";
        if (ua.Contains("iPad", StringComparison.Ordinal)) return "iPad";
        if (ua.Contains("Android", StringComparison.Ordinal)) return "Android";
        if (ua.Contains("Windows", StringComparison.Ordinal)) return "Windows";
        if (ua.Contains("Mac OS X", StringComparison.Ordinal)) return "Mac";
        if (ua.Contains("Linux", StringComparison.Ordinal)) return "Linux";
        return "Other";
    }
}
