using System.Text;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.ExtIdps;
using GenAuth.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.SignIn;

/// <summary>
/// The directory ways in (loginByLdap / loginByAD, REST /api/v2/ldap|ad/verify-user): a login name and password checked
/// by the pool's enabled LDAP (or AD) connections, then the external identity rules (linked identity, verified match,
/// just-in-time user) and the one pipeline (throttle, blocked, app access, verified email, second factor). A wrong
/// password, an unknown name, an ambiguous name and a disabled entry all answer 2333 and count toward the lockout,
/// per login name and per IP. A directory that fails (down, 2712; refusing the service account, 2711) doesn't stop the
/// login: it is logged and the next connection is asked. Only when every connection failed does the login answer the
/// first failure's code (and write nothing); when some failed and another answered "no", the answer is 2333 and counts,
/// so a directory being down never opens an uncounted window for password guessing against the others.
/// </summary>
public sealed class DirectorySignInService(
    GenAuthDbContext db,
    CallerContext caller,
    SignInService signIn,
    ExternalSignInService external,
    ExtIdpService extIdps,
    DirectoryClient directory,
    LoginThrottle throttle,
    Microsoft.Extensions.Logging.ILogger<DirectorySignInService> log)
{
    /// <summary>Connections of one kind a login tries, in creation order (each costs a search and a bind).</summary>
    public const int MaxConnectionsPerLogin = 5;

    public async Task<SignInOutcome> LoginAsync(string type, string? loginName, string? password, string? connection, CancellationToken ct)
    {
        if (!ConnTypes.IsDirectory(type))
            throw new ArgumentOutOfRangeException(nameof(type));
        var pool = caller.RequirePool();
        var name = loginName?.Trim() ?? "";
        if (name.Length == 0 || name.Length > DirectoryFields.MaxLoginNameLength || name.Any(char.IsControl))
            throw new GenAuthException(ErrorCodes.WrongAccountOrPassword);
        var query = db.ExtIdpConns.AsNoTracking().Where(c => c.Type == type && c.Enabled);
        if (!string.IsNullOrEmpty(connection))
            query = query.Where(c => c.Identifier == connection);
        // Note: a few more than are asked, so connections switched off for this app don't crowd out the ones switched on.
        var conns = await query.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).Take(MaxConnectionsPerLogin * 10).ToListAsync(ct);
        if (conns.Count == 0)
            throw new GenAuthException(ErrorCodes.ExtIdpConnNotFound);
        // A tenant's directory serves only logins under that tenant (its app and tenant named); pool-level ones every login.
        var foreign = await ConnAppStates.OtherTenantsAsync(db, conns.Select(c => c.Id).ToList(), caller.App, caller.TenantId, ct);
        if (foreign.Count > 0)
        {
            conns.RemoveAll(c => foreign.Contains(c.Id));
            if (conns.Count == 0)
                throw new GenAuthException(ErrorCodes.ExtIdpConnOtherTenant);
        }
        if (caller.App is { } app)
        {
            // Note: only the connections switched on for the calling app (and its tenant) are asked; when the pool has some
            // but none for this app, the answer says so (2625) before any bind, so nothing reaches the directory.
            var off = await ConnAppStates.DisabledAsync(db, conns.Select(c => c.Id).ToList(), app, caller.TenantId, ct);
            conns.RemoveAll(c => off.Contains(c.Id));
            if (conns.Count == 0)
                throw new GenAuthException(ErrorCodes.ExtIdpConnDisabledForApp);
        }
        if (conns.Count > MaxConnectionsPerLogin)
            conns.RemoveRange(MaxConnectionsPerLogin, conns.Count - MaxConnectionsPerLogin);

        var method = type + ":" + (conns.Count == 1 ? conns[0].Identifier : "directory");
        var key = "d:" + type + ":" + Fold(name);
        var outcome = await signIn.SignInAsync(new SignInRequest(TextCut.Clip(method, 64), async c =>
        {
            // Note: an empty password is an "unauthenticated bind" that many directories accept (RFC 4513 5.1.2): never sent.
            if (string.IsNullOrEmpty(password) || password.Length > 1024)
                return new Credential(null, false);
            GenAuthException? failure = null;
            var answered = false;
            foreach (var conn in conns)
            {
                var fields = extIdps.AllFields(conn);
                DirectoryVerdict verdict;
                DirectoryUser? user;
                try
                {
                    (verdict, user) = await directory.VerifyAsync(type, fields, name, password, c);
                }
                catch (GenAuthException e) when (e.Code == ErrorCodes.ExtProviderUnreachable.Code || e.Code == ErrorCodes.ExtProviderError.Code)
                {
                    // Note: the next connection may know the name; the directory's own failure was logged by DirectoryClient.
                    Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(log,
                        "Directory connection {Connection} failed ({Code}); trying the next one", conn.Identifier, e.Error.Code);
                    failure ??= e;
                    continue;
                }
                answered = true;
                if (verdict != DirectoryVerdict.Valid || user is null)
                    continue;
                var trustMail = DirectoryFields.IsTrue(fields.GetValueOrDefault("emailVerified"));
                var profile = new ExternalProfile(user.Subject)
                {
                    Email = user.Fields.GetValueOrDefault("email"),
                    EmailVerified = trustMail,
                    Phone = user.Fields.GetValueOrDefault("phone"),
                    PhoneVerified = DirectoryFields.IsTrue(fields.GetValueOrDefault("phoneVerified")),
                    Name = user.Fields.GetValueOrDefault("name"),
                    Nickname = user.Fields.GetValueOrDefault("nickname"),
                    Username = user.Fields.GetValueOrDefault("username"),
                    RawJson = user.RawJson,
                };
                return await external.AuthenticateAsync(conn, profile, c);
            }
            if (failure is not null && !answered)
                throw failure;
            return new Credential(null, false);
        })
        {
            ThrottleKey = key,
        }, ct);
        // Note: the pipeline clears the user's own count; the login name's count ends with the completed sign-in too.
        if (outcome is SignedIn)
            await throttle.RecordSuccessAsync(pool.Id, key, ct);
        return outcome;
    }

    /// <summary>Compatibility-normalised and case-folded (directories compare names case-insensitively): one count per name.</summary>
    private static string Fold(string name)
    {
        try
        {
            return name.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return name.ToLowerInvariant();
        }
    }
}
