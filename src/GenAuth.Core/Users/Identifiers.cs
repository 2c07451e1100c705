using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace GenAuth.Core.Users;

/// <summary>
/// How usernames and emails are compared: the normalised key (NFKC, then case fold) decides "the same identifier",
/// the UTS #39 skeleton decides "looks the same" (Cyrillic а, dotless ı, 0 and O...). Both are stored on the user with
/// unique indexes per pool, so two look-alike accounts can't exist even when registered at the same instant.
/// </summary>
public static class Identifiers
{
    private static readonly Lazy<FrozenDictionary<int, string>> Confusables = new(LoadConfusables);

    /// <summary>
    /// Invisible or direction-changing characters that aren't in a Cc/Cf category but still hide in an identifier:
    /// combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian and other variation selectors.
    /// </summary>
    private static readonly FrozenSet<int> Invisible = new[]
    {
        0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180E, 0x180F, 0x3164, 0xFFA0,
    }.Concat(Enumerable.Range(0xFE00, 16)).Concat(Enumerable.Range(0xE0100, 240)).ToFrozenSet();

    /// <summary>The username key uniqueness is decided on: NFKC, then case fold ("ＡＬİCE", "Alice" and "alice" are one).</summary>
    public static string? NormalizeUsername(string? username) =>
        username is null ? null : Fold(username.Normalize(NormalizationForm.FormKC));

    /// <summary>The username's UTS #39 skeleton (on the case-folded form, folded again): "аlice", "alıce" and "alice" share one.</summary>
    public static string? UsernameSkeleton(string? username)
    {
        var key = NormalizeUsername(username);
        return key is null ? null : Fold(Skeleton(key)).Normalize(NormalizationForm.FormD);
    }

    /// <summary>
    /// The skeleton of a normalised email: ASCII characters stay as they are (m and rn, l and 1 are different mailboxes
    /// that real people own), other characters map to their prototype, so Cyrillic "аlice@x.com" meets "alice@x.com".
    /// The domain is ASCII already (non-ASCII domains are refused).
    /// </summary>
    public static string? EmailSkeleton(string? normalizedEmail)
    {
        if (normalizedEmail is null)
            return null;
        if (Ascii.IsValid(normalizedEmail))
            return normalizedEmail;
        var sb = new StringBuilder(normalizedEmail.Length);
        foreach (var rune in normalizedEmail.Normalize(NormalizationForm.FormD).EnumerateRunes())
        {
            if (rune.IsAscii)
                sb.Append((char)rune.Value);
            else if (Confusables.Value.TryGetValue(rune.Value, out var prototype))
                sb.Append(prototype);
            else
                sb.Append(rune.ToString());
        }
        return Fold(sb.ToString().Normalize(NormalizationForm.FormD)).Normalize(NormalizationForm.FormD);
    }

    /// <summary>UTS #39 skeleton(X): NFD, each code point replaced by its confusable prototype, NFD again.</summary>
    public static string Skeleton(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var rune in value.Normalize(NormalizationForm.FormD).EnumerateRunes())
        {
            if (Confusables.Value.TryGetValue(rune.Value, out var prototype))
                sb.Append(prototype);
            else
                sb.Append(rune.ToString());
        }
        return sb.ToString().Normalize(NormalizationForm.FormD);
    }

    /// <summary>
    /// Case folding as far as .NET allows: invariant lower case, plus the full foldings that change length or that the
    /// invariant culture leaves alone (İ → i, ß/ẞ → ss, final ς → σ), then NFKC again so the result stays normalised.
    /// </summary>
    public static string Fold(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var rune in value.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case 0x0130: sb.Append('i'); break;
                case 0x00DF or 0x1E9E: sb.Append("ss"); break;
                case 0x03C2: sb.Append('σ'); break;
                default: sb.Append(Rune.ToLowerInvariant(rune).ToString()); break;
            }
        }
        return sb.ToString().Normalize(NormalizationForm.FormKC);
    }

    /// <summary>
    /// True when the text has a character that is invisible or reorders text: controls (Cc), format characters (Cf: zero
    /// width spaces and joiners, bidi marks, overrides and isolates, BOM), unassigned, private use or lone surrogates, and
    /// the invisible fillers and variation selectors of <see cref="Invisible"/>.
    /// </summary>
    public static bool HasHiddenCharacters(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsSurrogate(value[i]) && !char.IsSurrogatePair(value, i))
                return true;
            if (Rune.TryGetRuneAt(value, i, out var rune))
            {
                if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
                        or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate
                    || Invisible.Contains(rune.Value))
                    return true;
                if (rune.Utf16SequenceLength == 2)
                    i++;
            }
        }
        return false;
    }

    /// <summary>
    /// True when the text has a bidi control (LRM, RLM, ALM, embeddings, overrides, isolates) or a C0/C1 control: they
    /// make a display name read differently from what it is. Joiners stay allowed in display names (emoji sequences).
    /// </summary>
    public static bool HasBidiOrControl(string value)
    {
        foreach (var c in value)
        {
            if (c is '\u200E' or '\u200F' or '\u061C' || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069'
                || (char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
                return true;
        }
        return false;
    }

    private static FrozenDictionary<int, string> LoadConfusables()
    {
        // Note: generated from Unicode's confusables.txt by tools/confusables/generate.mjs (see its header for the license).
        using var stream = typeof(Identifiers).Assembly.GetManifestResourceStream("GenAuth.Core.Resources.confusables.txt")
            ?? throw new InvalidOperationException("confusables.txt is not embedded");
        using var reader = new StreamReader(stream);
        var map = new Dictionary<int, string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
                continue;
            var tab = line.IndexOf('\t');
            var from = int.Parse(line.AsSpan(0, tab), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var to = new StringBuilder();
            foreach (var cp in line[(tab + 1)..].Split(' '))
                to.Append(char.ConvertFromUtf32(int.Parse(cp, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            map[from] = to.ToString();
        }
        return map.ToFrozenDictionary();
    }
}
