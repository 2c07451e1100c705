using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Ldap;

/// <summary>
/// A real OpenLDAP directory (Debian's slapd; ./tests/run installs it) on two free loopback ports, ldap:// (StartTLS
/// offered) and ldaps://, with a self-signed certificate for 127.0.0.1, an OU of users loaded with slapadd, AD's user
/// attributes (sAMAccountName, userAccountControl, objectGUID) in a small schema of their own, and ACLs like a
/// production directory: only bound users read, passwords are only compared. Killed and deleted at dispose.
/// </summary>
public sealed class Slapd : IDisposable
{
    public const string BaseDn = "dc=example,dc=org";
    public const string People = "ou=people," + BaseDn;
    public const string ServiceDn = "cn=svc," + BaseDn;
    public const string ServicePassword = "svc-Pa55word";
    public const string BobGuid = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

    private readonly Process _process;
    private readonly string _dir;

    public Slapd()
    {
        var slapd = Find("slapd") ?? throw new MissingComponentException(
            "slapd is not installed: run ./tests/run (it installs what the tests need), or apt-get install slapd");
        var slapadd = Find("slapadd") ?? throw new MissingComponentException("slapadd (Debian's slapd package) is not installed: run ./tests/run");
        _dir = Path.Combine(Path.GetTempPath(), "genauth-slapd", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(_dir, "db"));
        (CaPem, var keyPem) = SelfSigned();
        File.WriteAllText(Path.Combine(_dir, "cert.pem"), CaPem);
        File.WriteAllText(Path.Combine(_dir, "key.pem"), keyPem);
        File.WriteAllText(Path.Combine(_dir, "ad.schema"), AdSchema);
        File.WriteAllText(Path.Combine(_dir, "slapd.conf"), $"""
            include /etc/ldap/schema/core.schema
            include /etc/ldap/schema/cosine.schema
            include /etc/ldap/schema/inetorgperson.schema
            include {_dir}/ad.schema
            pidfile {_dir}/slapd.pid
            modulepath /usr/lib/ldap
            moduleload back_mdb
            moduleload ppolicy
            TLSCertificateFile {_dir}/cert.pem
            TLSCertificateKeyFile {_dir}/key.pem
            database mdb
            suffix "{BaseDn}"
            rootdn "cn=admin,{BaseDn}"
            rootpw {Convert.ToHexString(RandomNumberGenerator.GetBytes(16))}
            directory {_dir}/db
            access to attrs=userPassword by self write by anonymous auth by * none
            access to * by users read by * none
            """);
        File.WriteAllText(Path.Combine(_dir, "data.ldif"), Data);
        Run(slapadd, "-f", Path.Combine(_dir, "slapd.conf"), "-l", Path.Combine(_dir, "data.ldif"));

        LdapPort = FreePort();
        LdapsPort = FreePort();
        var start = new ProcessStartInfo(slapd) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // -d 0: stay in the foreground (so the test owns the process), no debug output.
        foreach (var arg in new[] { "-f", Path.Combine(_dir, "slapd.conf"), "-h", $"ldap://127.0.0.1:{LdapPort}/ ldaps://127.0.0.1:{LdapsPort}/", "-d", "0" })
            start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitUntilListening(LdapPort);
        WaitUntilListening(LdapsPort);
    }

    public int LdapPort { get; }
    public int LdapsPort { get; }
    public string CaPem { get; }
    public string LdapUrl => $"ldap://127.0.0.1:{LdapPort}";
    public string LdapsUrl => $"ldaps://127.0.0.1:{LdapsPort}";

    /// <summary>A loopback port nothing listens on (a directory that is down).</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private const string AdSchema = """
        attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
        attributetype ( 1.2.840.113556.1.4.8 NAME 'userAccountControl' EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
        attributetype ( 1.2.840.113556.1.4.2 NAME 'objectGUID' EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )
        attributetype ( 1.2.840.113556.1.4.656 NAME 'userPrincipalName' EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
        objectclass ( 1.3.6.1.4.1.99999.2.1 NAME 'adTestUser' SUP top AUXILIARY MAY ( sAMAccountName $ userAccountControl $ objectGUID $ userPrincipalName ) )
        """;

    private static string Data => $"""
        dn: {BaseDn}
        objectClass: dcObject
        objectClass: organization
        o: Example
        dc: example

        dn: {People}
        objectClass: organizationalUnit
        ou: people

        dn: {ServiceDn}
        objectClass: person
        cn: svc
        sn: svc
        userPassword: {ServicePassword}

        dn: uid=alice,{People}
        objectClass: inetOrgPerson
        uid: alice
        cn: Alice Liddell
        sn: Liddell
        displayName: Alice L.
        mail: alice@ldap.example.org
        telephoneNumber: +8613800138011
        employeeNumber: E-1001
        userPassword: alice-Pa55

        dn: uid=frank,{People}
        objectClass: inetOrgPerson
        uid: frank
        cn: Frank
        sn: Frank
        userPassword: frank-Pa55

        dn: uid=grace,{People}
        objectClass: inetOrgPerson
        uid: grace
        cn: Grace
        sn: Grace
        userPassword: grace-Pa55

        dn: uid=heidi,{People}
        objectClass: inetOrgPerson
        uid: heidi
        cn: Heidi
        sn: Heidi
        userPassword: heidi-Pa55

        dn: uid=ivan,{People}
        objectClass: inetOrgPerson
        uid: ivan
        cn: Ivan
        sn: Ivan
        userPassword: ivan-Pa55

        dn: uid=carol,{People}
        objectClass: inetOrgPerson
        uid: carol
        cn: Carol Locked
        sn: Locked
        mail: carol@ldap.example.org
        userPassword: carol-Pa55
        pwdAccountLockedTime: 000001010000Z

        dn: uid=we*rd(name),{People}
        objectClass: inetOrgPerson
        uid: we*rd(name)
        cn: Weird
        sn: Weird
        userPassword: weird-Pa55

        dn: cn=Bob Builder,{People}
        objectClass: inetOrgPerson
        objectClass: adTestUser
        cn: Bob Builder
        sn: Builder
        mail: bob@ad.example.org
        sAMAccountName: bob
        userPrincipalName: bob@ad.example.org
        userAccountControl: 512
        objectGUID:: {Convert.ToBase64String(Guid.Parse(BobGuid).ToByteArray())}
        userPassword: bob-Pa55

        dn: cn=Dan Disabled,{People}
        objectClass: inetOrgPerson
        objectClass: adTestUser
        cn: Dan Disabled
        sn: Disabled
        sAMAccountName: dan
        userAccountControl: 514
        objectGUID:: {Convert.ToBase64String(Guid.NewGuid().ToByteArray())}
        userPassword: dan-Pa55

        """;

    private static (string Cert, string Key) SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private static string? Find(string name) =>
        Requires.Find(name) ?? (File.Exists("/usr/sbin/" + name) ? "/usr/sbin/" + name : null);

    private static void Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} failed ({p.ExitCode}): {err.Result}");
    }

    private void WaitUntilListening(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                Thread.Sleep(50);
            }
        }
    }

    public void Dispose()
    {
        try
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
