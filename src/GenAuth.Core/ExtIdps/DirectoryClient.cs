using System.DirectoryServices.Protocols;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GenAuth.Core.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.ExtIdps;

/// <summary>Directory login settings (GenAuth:Ldap).</summary>
public sealed class LdapOptions
{
    public const string Section = "GenAuth:Ldap";

    /// <summary>Seconds a directory has for each step (connect, bind, search) before the login answers 2712.</summary>
    public int TimeoutSeconds { get; set; } = 5;

    /// <summary>Directory logins running at once on this instance (each holds a thread: the LDAP library is blocking).</summary>
    public int MaxConcurrent { get; set; } = 16;
}

/// <summary>What the directory said about a login name and password.</summary>
public enum DirectoryVerdict
{
    /// <summary>One entry matched and its password bound.</summary>
    Valid,

    /// <summary>No entry, several entries, a wrong password or a disabled entry: one answer for all (no enumeration).</summary>
    Invalid,
}

/// <summary>The matched entry's attributes, mapped to our fields (Subject is the stable id: entryUUID, objectGUID, or the DN).</summary>
public sealed record DirectoryUser(string Subject, string Dn, IReadOnlyDictionary<string, string> Fields, string RawJson);

/// <summary>
/// Talks to an LDAP / AD directory with System.DirectoryServices.Protocols (OpenLDAP's libldap on Linux): binds the
/// service account, searches the base DN with the connection's filter (the login name escaped per RFC 4515), then binds
/// as the one entry found with the user's password. The library is synchronous, so each login runs on a pool thread
/// under a concurrency cap; every step has the configured timeout. Unreachable directory, TLS failure or a refused
/// service account are errors (2712 / 2711), never a "wrong password".
/// </summary>
public sealed class DirectoryClient(IOptions<LdapOptions> options, IOptions<GenAuthOptions> genAuth, ILogger<DirectoryClient> log)
{
    private readonly SemaphoreSlim _gate = new(Math.Max(1, options.Value.MaxConcurrent));

    /// <summary>AD's userAccountControl ACCOUNTDISABLE bit.</summary>
    private const int AdAccountDisable = 0x2;

    public async Task<(DirectoryVerdict Verdict, DirectoryUser? User)> VerifyAsync(string type, IReadOnlyDictionary<string, string> fields,
        string loginName, string password, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(Math.Clamp(options.Value.TimeoutSeconds, 1, 120));
        if (!await _gate.WaitAsync(timeout, ct))
            throw new GenAuthException(ErrorCodes.ExtProviderUnreachable);
        try
        {
            // Note: LdapConnection blocks its thread on libldap calls; a pool thread keeps the request thread free.
            return await Task.Run(() => Verify(type, fields, loginName, password, timeout), ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    private (DirectoryVerdict, DirectoryUser?) Verify(string type, IReadOnlyDictionary<string, string> fields, string loginName, string password,
        TimeSpan timeout)
    {
        var startTls = DirectoryFields.IsTrue(fields.GetValueOrDefault("startTls"));
        var address = DirectoryFields.ParseUrl(fields.GetValueOrDefault("ldapConnection") ?? "", startTls)
                      ?? throw new GenAuthException(ErrorCodes.ExtIdpFieldInvalid, new { field = "ldapConnection" });
        var baseDn = fields.GetValueOrDefault("baseDn") ?? "";
        var template = fields.GetValueOrDefault("searchStandard") is { } t && DirectoryFields.IsFilterTemplate(t)
            ? t
            : DirectoryFields.Defaults(type)["searchStandard"];
        var mapping = Mapping(type, fields.GetValueOrDefault("mapping"));
        var caDir = fields.GetValueOrDefault("tlsCaCert") is { Length: > 0 } pem ? CaDirectory(pem) : null;

        try
        {
            // 1) The service account searches for exactly one entry.
            SearchResultEntry? entry;
            using (var service = Open(address, caDir, timeout))
            {
                service.Bind(new NetworkCredential(fields.GetValueOrDefault("bindDn") ?? "", fields.GetValueOrDefault("bindPassword") ?? ""));
                var attributes = mapping.Values.Concat(["userAccountControl", "pwdAccountLockedTime", "nsAccountLock"])
                    .Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
                var request = new SearchRequest(baseDn, DirectoryFields.Filter(template, loginName), SearchScope.Subtree, attributes)
                {
                    SizeLimit = 2,
                    TimeLimit = timeout,
                };
                SearchResponse response;
                try
                {
                    response = (SearchResponse)service.SendRequest(request, timeout);
                }
                catch (DirectoryOperationException e) when (e.Response?.ResultCode == ResultCode.SizeLimitExceeded)
                {
                    // Several entries answer this login name: it names nobody.
                    response = null!;
                }
                catch (DirectoryOperationException e) when (e.Response?.ResultCode == ResultCode.NoSuchObject)
                {
                    response = null!;
                }
                entry = response is { Entries.Count: 1 } ? response.Entries[0] : null;
            }

            // 2) The user's own bind proves the password. An unknown name still costs a bind (of a DN that doesn't exist),
            //    so the answer's timing doesn't tell a known name from an unknown one.
            var dn = entry?.DistinguishedName ?? "cn=" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)) + "," + baseDn;
            bool bound;
            using (var user = Open(address, caDir, timeout))
            {
                try
                {
                    user.Bind(new NetworkCredential(dn, password));
                    bound = true;
                }
                catch (LdapException e) when (e.ErrorCode == 49)
                {
                    bound = false; // invalidCredentials
                }
            }
            if (entry is null || !bound || IsDisabled(type, entry))
                return (DirectoryVerdict.Invalid, null);
            return (DirectoryVerdict.Valid, ToUser(entry, mapping));
        }
        catch (LdapException e)
        {
            // 81 server down, 85 timeout, 91 connect error, -1 / 52 TLS or unavailable; 49 here is the service account.
            log.LogWarning("LDAP directory {Host}:{Port} failed: {Code} {Message}", address.Host, address.Port, e.ErrorCode, e.Message);
            throw new GenAuthException(e.ErrorCode == 49 ? ErrorCodes.ExtProviderError : ErrorCodes.ExtProviderUnreachable);
        }
        catch (DirectoryOperationException e)
        {
            log.LogWarning("LDAP search at {Host}:{Port} failed: {Code}", address.Host, address.Port, e.Response?.ResultCode);
            throw new GenAuthException(ErrorCodes.ExtProviderError);
        }
        catch (DirectoryException e)
        {
            log.LogWarning("LDAP directory {Host}:{Port} failed: {Message}", address.Host, address.Port, e.Message);
            throw new GenAuthException(ErrorCodes.ExtProviderUnreachable);
        }
    }

    private static LdapConnection Open(DirectoryAddress address, string? caDir, TimeSpan timeout)
    {
        var conn = new LdapConnection(new LdapDirectoryIdentifier(address.Host, address.Port, fullyQualifiedDnsHostName: true, connectionless: false))
        {
            AuthType = AuthType.Basic,
            Timeout = timeout,
        };
        conn.SessionOptions.ProtocolVersion = 3;
        conn.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
        if (caDir is not null && OperatingSystem.IsLinux())
        {
            // Note: the CA of this connection only, in a TLS context of its own (not libldap's process-wide one).
            conn.SessionOptions.TrustedCertificatesDirectory = caDir;
            conn.SessionOptions.StartNewTlsSessionContext();
        }
        if (address.Ldaps)
            conn.SessionOptions.SecureSocketLayer = true;
        if (address.StartTls)
        {
            // Note: on Linux, S.DS.P gives libldap the server's URI only when the first bind connects; a StartTLS sent
            // before would go to libldap's default host. An anonymous bind (no secret on the wire) opens the connection
            // first; a directory that refuses anonymous binds still leaves it open.
            conn.AuthType = AuthType.Anonymous;
            try
            {
                conn.Bind();
            }
            catch (LdapException e) when (e.ErrorCode is 48 or 49 or 50 or 53)
            {
                // inappropriateAuthentication, invalidCredentials, insufficientAccessRights, unwillingToPerform
            }
            conn.SessionOptions.StartTransportLayerSecurity(null);
            conn.AuthType = AuthType.Basic;
        }
        return conn;
    }

    /// <summary>
    /// libldap trusts a directory of CA files, not a PEM string: the connection's CA is written once under the data
    /// directory (owner-only), named by its hash.
    /// </summary>
    private string CaDirectory(string pem)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(pem)))[..32];
        var dir = Path.GetFullPath(Path.Combine(genAuth.Value.DataDirectory, "ldap-ca", hash));
        var file = Path.Combine(dir, "ca.pem");
        if (!File.Exists(file))
        {
            PrivateFiles.CreateDirectory(dir);
            var tmp = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllText(tmp, pem);
            File.Move(tmp, file, overwrite: true);
        }
        return dir;
    }

    private static Dictionary<string, string> Mapping(string type, string? json)
    {
        var mapping = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in new[] { DirectoryFields.Defaults(type)["mapping"], json })
        {
            if (string.IsNullOrEmpty(source) || JsonNode.Parse(source) is not JsonObject o)
                continue;
            foreach (var (k, v) in o)
                if (DirectoryFields.MappedFields.Contains(k) && v is JsonValue value && value.TryGetValue<string>(out var attr)
                    && DirectoryFields.IsAttributeName(attr))
                    mapping[k] = attr;
        }
        return mapping;
    }

    private static bool IsDisabled(string type, SearchResultEntry entry)
    {
        if (type == ConnTypes.Ad && Text(entry, "userAccountControl") is { } uac && int.TryParse(uac, out var flags)
            && (flags & AdAccountDisable) != 0)
            return true;
        // OpenLDAP's password policy lock, 389-DS / FreeIPA's nsAccountLock.
        return Text(entry, "pwdAccountLockedTime") is not null
               || string.Equals(Text(entry, "nsAccountLock"), "true", StringComparison.OrdinalIgnoreCase);
    }

    private static DirectoryUser ToUser(SearchResultEntry entry, Dictionary<string, string> mapping)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var raw = new JsonObject { ["dn"] = entry.DistinguishedName };
        foreach (var (field, attr) in mapping)
        {
            var value = field == "id" ? Id(entry, attr) : Text(entry, attr);
            if (value is null)
                continue;
            fields[field] = value;
            raw[attr] = value;
        }
        var subject = fields.GetValueOrDefault("id") ?? entry.DistinguishedName;
        return new DirectoryUser(subject, entry.DistinguishedName, fields, raw.ToJsonString());
    }

    /// <summary>The id attribute as text: objectGUID (16 bytes) as a GUID, other binary values as hex.</summary>
    private static string? Id(SearchResultEntry entry, string attr)
    {
        if (Attr(entry, attr) is not { Count: > 0 } a)
            return null;
        var bytes = a.GetValues(typeof(byte[])).OfType<byte[]>().FirstOrDefault();
        if (bytes is null)
            return null;
        if (string.Equals(attr, "objectGUID", StringComparison.OrdinalIgnoreCase) && bytes.Length == 16)
            return new Guid(bytes).ToString();
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return text.Any(char.IsControl) ? Convert.ToHexStringLower(bytes) : text;
        }
        catch (DecoderFallbackException)
        {
            return Convert.ToHexStringLower(bytes);
        }
    }

    /// <summary>Attribute names are case-insensitive in LDAP; the directory answers them as its schema spells them.</summary>
    private static DirectoryAttribute? Attr(SearchResultEntry entry, string attr)
    {
        foreach (string name in entry.Attributes.AttributeNames)
            if (string.Equals(name, attr, StringComparison.OrdinalIgnoreCase))
                return entry.Attributes[name];
        return null;
    }

    private static string? Text(SearchResultEntry entry, string attr)
    {
        if (Attr(entry, attr) is not { Count: > 0 } a)
            return null;
        var value = a.GetValues(typeof(string)).OfType<string>().FirstOrDefault();
        return string.IsNullOrWhiteSpace(value) || value.Length > 1024 ? null : value.Trim();
    }
}
