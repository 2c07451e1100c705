using System.Net;
using GenAuth.Core.Data;
using GenAuth.Core.Sessions;
using GenAuth.Core.Tokens;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Server.Oidc;

/// <summary>One relying party's front-channel logout: the iframe URL (with iss and sid when the app asks) and its origin.</summary>
public sealed record FrontchannelFrame(string AppId, string Url, string Origin);

/// <summary>
/// Ends a browser's SSO sessions on the way out (RP-initiated logout at /oidc/session/end, the personal center's sign-out):
/// the SSO sessions named and every app session opened under them end; apps with a back-channel logout URI get a
/// logout_token (<see cref="BackchannelLogout"/>); apps with a front-channel logout URI come back as iframes for the
/// logout page to load (OpenID Connect Front-Channel Logout 1.0).
/// </summary>
public sealed class SessionLogout(SessionService sessions, BackchannelLogout backchannel, IssuerProvider issuer)
{
    /// <summary>At most this many iframes on one logout page (one per app of the SSO session, so pools rarely get near it).</summary>
    public const int MaxFrames = 50;

    /// <param name="roots">The SSO (root) sessions that end.</param>
    public async Task<IReadOnlyList<FrontchannelFrame>> EndAsync(GenAuthDbContext db, IReadOnlyCollection<string> roots, CancellationToken ct)
    {
        if (roots.Count == 0)
            return [];
        var rootList = roots.ToList();
        var rows = await db.Sessions.IgnoreQueryFilters().AsNoTracking()
            .Where(x => (rootList.Contains(x.Id) || (x.ParentSessionId != null && rootList.Contains(x.ParentSessionId))) && x.RevokedAt == null)
            .Select(x => new { x.Id, x.UserId, x.AppId, x.ParentSessionId, x.CreatedAt }).ToListAsync(ct);
        var appIds = rows.Where(x => x.AppId != null).Select(x => x.AppId!).Distinct().ToList();
        var apps = await db.Applications.IgnoreQueryFilters().AsNoTracking().Where(a => appIds.Contains(a.Id))
            .Select(a => new { a.Id, a.BackchannelLogoutUri, a.FrontchannelLogoutUri, a.FrontchannelLogoutSessionRequired })
            .ToDictionaryAsync(a => a.Id, ct);
        foreach (var root in rootList)
            await sessions.RevokeAsync(db, root, ct);
        // Note: only sessions the authorization server opened carry a sid an RP knows; the SSO session itself is the login page's.
        var appSessions = rows.Where(x => x.AppId != null && x.ParentSessionId != null).ToList();
        await backchannel.NotifyAsync(appSessions
            .Select(x => new EndedAppSession(x.Id, x.UserId, x.AppId!, apps.GetValueOrDefault(x.AppId!)?.BackchannelLogoutUri)).ToList(), ct);
        // One frame per app: the sid of its latest session (the one its id token names).
        var frames = new List<FrontchannelFrame>();
        foreach (var group in appSessions.GroupBy(x => x.AppId!).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (apps.GetValueOrDefault(group.Key) is not { FrontchannelLogoutUri: { } uri } app
                || !Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || frames.Count >= MaxFrames)
                continue;
            var url = app.FrontchannelLogoutSessionRequired
                ? QueryHelpers.AddQueryString(uri, new Dictionary<string, string?> { ["iss"] = issuer.Issuer(""), ["sid"] = group.MaxBy(x => x.CreatedAt)!.Id })
                : uri;
            frames.Add(new FrontchannelFrame(group.Key, url, OriginOf(parsed)));
        }
        return frames;
    }

    /// <summary>scheme://host[:port] as CSP source expressions want it (punycode host).</summary>
    public static string OriginOf(Uri uri)
    {
        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;
        return uri.IsDefaultPort ? $"{uri.Scheme}://{host}" : $"{uri.Scheme}://{host}:{uri.Port}";
    }

    /// <summary>" origin1 origin2" for the page's CSP frame-src: exactly the frames' origins; null without frames.</summary>
    public static string? FrameSources(IReadOnlyList<FrontchannelFrame> frames) =>
        frames.Count == 0 ? null : " " + string.Join(' ', frames.Select(f => f.Origin).Distinct(StringComparer.Ordinal));

    /// <summary>The hidden iframes (a title each, for screen readers), and the URL to go to once they loaded.</summary>
    public static string Markup(IReadOnlyList<FrontchannelFrame> frames, string title, string? next)
    {
        Func<string?, string?> e = WebUtility.HtmlEncode;
        var sb = new System.Text.StringBuilder();
        sb.Append(next is null ? "<div id=\"fcl\">" : $"<div id=\"fcl\" data-continue=\"{e(next)}\">");
        foreach (var frame in frames)
            sb.Append($"<iframe class=\"fcl\" hidden src=\"{e(frame.Url)}\" title=\"{e(title)}\"></iframe>");
        sb.Append("</div>");
        return sb.ToString();
    }
}

/// <summary>The API logout (GraphQL logout, REST /api/v2/logout) through the same channels as the logout page.</summary>
public sealed class ApiLogoutChannels(SessionLogout logout) : ISessionLogoutChannels
{
    public async Task<IReadOnlyList<string>> EndAsync(GenAuthDbContext db, string sessionId, CancellationToken ct) =>
        (await logout.EndAsync(db, [sessionId], ct)).Select(f => f.Url).ToList();
}
