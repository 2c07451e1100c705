using System.Text;
using System.Text.Json.Nodes;

namespace GenAuth.Core.ExtIdps;

/// <summary>
/// The fields of an LDAP or AD connection, by GenAuth's names: <c>ldapConnection</c> (ldap:// or ldaps:// URL),
/// <c>bindDn</c> and <c>bindPassword</c> (the service account that searches), <c>baseDn</c>, <c>searchStandard</c> (a filter
/// with <c>%s</c> for the login name, escaped per RFC 4515), and ours: <c>startTls</c> ("true": StartTLS on an ldap:// URL),
/// <c>tlsCaCert</c> (PEM of the CA to trust instead of the system store), <c>mapping</c> (our field → attribute) and
/// <c>emailVerified</c> ("true": the directory's mail is trusted as verified, so it may match or fill an account).
/// </summary>
public static class DirectoryFields
{
    public const int MaxFilterLength = 1024;
    public const int MaxLoginNameLength = 256;

    /// <summary>Our user fields a directory attribute can fill.</summary>
    public static readonly IReadOnlyList<string> MappedFields = ["id", "username", "email", "phone", "name", "nickname"];

    public static IReadOnlyDictionary<string, string> Defaults(string type) => type == ConnTypes.Ad
        ? new Dictionary<string, string>
        {
            ["searchStandard"] = "(sAMAccountName=%s)",
            ["mapping"] = """{"id":"objectGUID","username":"sAMAccountName","email":"mail","phone":"telephoneNumber","name":"cn","nickname":"displayName"}""",
        }
        : new Dictionary<string, string>
        {
            ["searchStandard"] = "(uid=%s)",
            ["mapping"] = """{"id":"entryUUID","username":"uid","email":"mail","phone":"telephoneNumber","name":"cn","nickname":"displayName"}""",
        };

    public static void Validate(JsonObject open, IReadOnlyDictionary<string, string> secrets)
    {
        var url = ConnFields.Text(open, "ldapConnection");
        var startTls = IsTrue(ConnFields.Text(open, "startTls"));
        if (url is null || ParseUrl(url, startTls) is null)
            throw ExtIdpService.Invalid("ldapConnection");
        if (ConnFields.Text(open, "baseDn") is not { Length: <= 1024 })
            throw ExtIdpService.Invalid("baseDn");
        if (ConnFields.Text(open, "bindDn") is { Length: > 1024 })
            throw ExtIdpService.Invalid("bindDn");
        if (ConnFields.Text(open, "searchStandard") is { } filter && !IsFilterTemplate(filter))
            throw ExtIdpService.Invalid("searchStandard");
        if (ConnFields.Text(open, "tlsCaCert") is { } pem && !IsPemCertificate(pem))
            throw ExtIdpService.Invalid("tlsCaCert");
        if (open["mapping"] is { } mapping
            && (mapping is not JsonObject m || m.Any(kv => !MappedFields.Contains(kv.Key) || kv.Value is not JsonValue v
                || !v.TryGetValue<string>(out var attr) || !IsAttributeName(attr))))
            throw ExtIdpService.Invalid("mapping");
        _ = secrets; // bindPassword is optional: an anonymous search bind when the directory allows it.
    }

    public static bool IsTrue(string? value) => value is "true" or "1";

    /// <summary>
    /// The directory's address. Plain ldap:// carries the user's password in clear, so it is only accepted with StartTLS
    /// or to a loopback host (a directory on the same machine, tests).
    /// </summary>
    public static DirectoryAddress? ParseUrl(string url, bool startTls)
    {
        if (url.Length > 2048 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host)
            || uri.PathAndQuery is not ("" or "/") || !string.IsNullOrEmpty(uri.UserInfo))
            return null;
        var ldaps = uri.Scheme == "ldaps";
        if (!ldaps && uri.Scheme != "ldap")
            return null;
        if (ldaps && startTls)
            return null;
        if (!ldaps && !startTls && !uri.IsLoopback)
            return null;
        var port = uri.IsDefaultPort || uri.Port <= 0 ? (ldaps ? 636 : 389) : uri.Port;
        return new DirectoryAddress(uri.IdnHost, port, ldaps, startTls);
    }

    /// <summary>A filter template: parenthesised, with the login name's placeholder, no control characters.</summary>
    public static bool IsFilterTemplate(string filter) =>
        filter.Length <= MaxFilterLength && filter.StartsWith('(') && filter.EndsWith(')') && filter.Contains("%s", StringComparison.Ordinal)
        && !filter.Any(char.IsControl);

    /// <summary>The filter with every %s replaced by the login name, escaped per RFC 4515 (section 3).</summary>
    public static string Filter(string template, string loginName) =>
        template.Replace("%s", EscapeFilterValue(loginName), StringComparison.Ordinal);

    /// <summary>
    /// RFC 4515 escaping of an assertion value: '*', '(', ')', '\' and NUL become \2a, \28, \29, \5c, \00, so a login
    /// name like "*)(uid=*" is a literal value and can't widen the filter.
    /// </summary>
    public static string EscapeFilterValue(string value)
    {
        var sb = new StringBuilder(value.Length + 8);
        foreach (var c in value)
            sb.Append(c switch
            {
                '*' => @"\2a",
                '(' => @"\28",
                ')' => @"\29",
                '\\' => @"\5c",
                '\0' => @"\00",
                _ => c.ToString(),
            });
        return sb.ToString();
    }

    /// <summary>An attribute description (RFC 4512 descr or OID, options allowed): nothing a filter could be built from.</summary>
    public static bool IsAttributeName(string name) =>
        name.Length is > 0 and <= 128 && char.IsAsciiLetterOrDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or ';');

    private static bool IsPemCertificate(string pem)
    {
        if (pem.Length > 16 * 1024)
            return false;
        try
        {
            using var cert = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem);
            return true;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

/// <summary>Where a directory listens and how the connection is protected.</summary>
public sealed record DirectoryAddress(string Host, int Port, bool Ldaps, bool StartTls);
