using System.Text.RegularExpressions;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Applications;

/// <summary>What an admin sends to create or change an agreement; null leaves a field as it is on a change.</summary>
public sealed record AgreementInput(string? Title, bool? Required, string? Lang);

/// <summary>
/// Registration agreements of an app (admin only) and their acceptance at registration. Enforced where they are shown: the
/// hosted register form (seeds: the login box's "login and registration agreement"); the registration API takes no
/// agreement fields (the SDK sends none), so an app with its own register form shows and checks its agreements itself.
/// </summary>
public sealed partial class AgreementService(GenAuthDbContext db, CallerContext caller, TimeProvider clock)
{
    /// <summary>The longest title (characters), links included.</summary>
    public const int MaxTitleLength = 2048;

    /// <summary>The most agreements one app may have.</summary>
    public const int MaxPerApp = 50;

    public static readonly IReadOnlyList<string> Langs = ["zh-CN", "en-US"];

    public async Task<Page<Agreement>> ListAsync(string appId, CancellationToken ct)
    {
        caller.RequireAdmin();
        await RequireAppAsync(appId, ct);
        var list = await Ordered(appId).ToListAsync(ct);
        return new Page<Agreement>(list.Count, list);
    }

    public async Task<Agreement> CreateAsync(string appId, AgreementInput input, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        await RequireAppAsync(appId, ct);
        var title = RequireTitle(input.Title);
        var lang = RequireLang(input.Lang ?? "zh-CN");
        var existing = await db.Agreements.Where(a => a.AppId == appId).Select(a => (int?)a.Order).ToListAsync(ct);
        if (existing.Count >= MaxPerApp)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"an app has at most {MaxPerApp} agreements");
        var now = clock.GetUtcNow().UtcDateTime;
        var agreement = new Agreement
        {
            UserPoolId = pool.Id, AppId = appId, Title = title, Required = input.Required ?? true, Lang = lang,
            Order = (existing.Max() ?? 0) + 1, CreatedAt = now, UpdatedAt = now,
        };
        db.Agreements.Add(agreement);
        await db.SaveChangesAsync(ct);
        return agreement;
    }

    public async Task<Agreement> UpdateAsync(string appId, long id, AgreementInput input, CancellationToken ct)
    {
        caller.RequireAdmin();
        await RequireAppAsync(appId, ct);
        var agreement = await db.Agreements.FirstOrDefaultAsync(a => a.AppId == appId && a.Id == id, ct)
                        ?? throw new GenAuthException(ErrorCodes.AgreementNotFound);
        if (input.Title is not null)
            agreement.Title = RequireTitle(input.Title);
        if (input.Lang is not null)
            agreement.Lang = RequireLang(input.Lang);
        if (input.Required is { } required)
            agreement.Required = required;
        agreement.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return agreement;
    }

    public async Task DeleteAsync(string appId, long id, CancellationToken ct)
    {
        caller.RequireAdmin();
        await RequireAppAsync(appId, ct);
        if (await db.Agreements.Where(a => a.AppId == appId && a.Id == id).ExecuteDeleteAsync(ct) == 0)
            throw new GenAuthException(ErrorCodes.AgreementNotFound);
    }

    /// <summary>sort: the ids of ALL the app's agreements in the new order (as the SDK documents it), each once.</summary>
    public async Task SortAsync(string appId, IReadOnlyList<long>? ids, CancellationToken ct)
    {
        caller.RequireAdmin();
        await RequireAppAsync(appId, ct);
        if (ids is null)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "ids must be a list of agreement ids");
        var agreements = await db.Agreements.Where(a => a.AppId == appId).ToListAsync(ct);
        if (ids.Count != agreements.Count || ids.Distinct().Count() != ids.Count)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "ids must list each of the app's agreements once");
        var byId = agreements.ToDictionary(a => a.Id);
        for (var i = 0; i < ids.Count; i++)
        {
            if (!byId.TryGetValue(ids[i], out var a))
                throw new GenAuthException(ErrorCodes.AgreementNotFound, detail: ids[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
            a.Order = i + 1;
        }
        await db.SaveChangesAsync(ct);
    }

    // ---------- registration ----------

    /// <summary>The agreements the hosted register form shows for an app in a language, in order (no caller check: public).</summary>
    public async Task<IReadOnlyList<Agreement>> ShownAsync(string appId, string? lang, CancellationToken ct)
    {
        var l = NormalizeLang(lang) ?? "zh-CN";
        return await Ordered(appId).Where(a => a.Lang == l).ToListAsync(ct);
    }

    /// <summary>
    /// Checks that every required agreement shown in the language is among the accepted ids (AgreementRequired otherwise)
    /// and returns the shown agreements that were accepted; ids that aren't shown are ignored.
    /// </summary>
    public async Task<IReadOnlyList<Agreement>> RequireAcceptedAsync(string appId, string? lang, IReadOnlyCollection<long> accepted,
        CancellationToken ct)
    {
        var shown = await ShownAsync(appId, lang, ct);
        if (shown.FirstOrDefault(a => a.Required && !accepted.Contains(a.Id)) is { } missing)
            throw new GenAuthException(ErrorCodes.AgreementRequired, detail: missing.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return shown.Where(a => accepted.Contains(a.Id)).ToList();
    }

    /// <summary>Adds the acceptance records for a user being registered: saved with the user, in the same SaveChanges.</summary>
    public void Stage(User user, IEnumerable<Agreement> accepted)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var a in accepted)
            db.AgreementAcceptances.Add(new AgreementAcceptance { UserPoolId = user.UserPoolId, UserId = user.Id, AgreementId = a.Id, AcceptedAt = now });
    }

    /// <summary>
    /// The title as safe HTML: everything escaped, then only plain links (&lt;a href="https://…"&gt;text&lt;/a&gt;, http or
    /// https, no other attributes) turned back into anchors that open in a new tab. The text inside stays escaped.
    /// </summary>
    public static string TitleHtml(string title)
    {
        var escaped = System.Net.WebUtility.HtmlEncode(title);
        return LinkPattern().Replace(escaped, m =>
            $"<a href=\"{m.Groups["href"].Value}\" target=\"_blank\" rel=\"noopener noreferrer\">{m.Groups["text"].Value}</a>");
    }

    // Note: runs on the escaped text, so a quote, < or > in the URL can't occur (they would be entities, and & is
    // excluded), and the link text is escaped already.
    [GeneratedRegex("&lt;a\\s+href=&quot;(?<href>https?://[^&\\s]{1,1000})&quot;\\s*&gt;(?<text>.{0,500}?)&lt;/a&gt;",
        RegexOptions.IgnoreCase | RegexOptions.Singleline, matchTimeoutMilliseconds: 200)]
    private static partial Regex LinkPattern();

    public static string? NormalizeLang(string? lang) =>
        lang is null ? null : Langs.FirstOrDefault(l => l.Equals(lang, StringComparison.OrdinalIgnoreCase))
                              ?? (lang.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? "en-US"
                                  : lang.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? "zh-CN" : null);

    private IQueryable<Agreement> Ordered(string appId) =>
        db.Agreements.AsNoTracking().Where(a => a.AppId == appId).OrderBy(a => a.Order).ThenBy(a => a.Id);

    private static string RequireTitle(string? title)
    {
        if (string.IsNullOrWhiteSpace(title))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "title is required");
        if (title.Length > MaxTitleLength)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"title is at most {MaxTitleLength} characters");
        return title.Trim();
    }

    private static string RequireLang(string lang) =>
        Langs.FirstOrDefault(l => l.Equals(lang, StringComparison.OrdinalIgnoreCase))
        ?? throw new GenAuthException(ErrorCodes.BadRequest, detail: "lang is zh-CN or en-US");

    // Note: the pool filter hides another pool's app, so its id answers AppNotFound like an unknown one.
    private async Task RequireAppAsync(string appId, CancellationToken ct)
    {
        if (!await db.Applications.AnyAsync(a => a.Id == appId, ct))
            throw new GenAuthException(ErrorCodes.AppNotFound);
    }
}
