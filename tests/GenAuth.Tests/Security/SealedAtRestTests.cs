using System.Security.Cryptography;
using System.Text;
using GenAuth.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Tests.Security;

/// <summary>Private keys and pool secrets are in the database only sealed with the master key (AES-GCM), never in the clear.</summary>
public sealed class SealedAtRestTests : IDisposable
{
    // Note: pinned to SQLite in every run: the test reads the stored bytes of the database file (the sealing itself is
    // the same code on both providers).
    private readonly GenAuthApp _app = new(settings: GenAuthApp.OnSqlite());

    public void Dispose() => _app.Dispose();

    /// <summary>Every byte SQLite keeps for the database (main file and write-ahead log).</summary>
    private byte[] DatabaseBytes()
    {
        using var all = new MemoryStream();
        foreach (var path in Directory.GetFiles(_app.DataDirectory, "*.db*"))
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            file.CopyTo(all);
        }
        Assert.True(all.Length > 0, "no database file under " + _app.DataDirectory);
        return all.ToArray();
    }

    private byte[] Unseal(byte[] sealedBytes)
    {
        var key = Convert.FromBase64String(File.ReadAllText(Path.Combine(_app.DataDirectory, "master.key")).Trim());
        var plain = new byte[sealedBytes.Length - 28];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(sealedBytes.AsSpan(0, 12), sealedBytes.AsSpan(28), sealedBytes.AsSpan(12, 16), plain);
        return plain;
    }

    private static void AssertAbsent(byte[] haystack, byte[] needle, string what) =>
        Assert.False(haystack.AsSpan().IndexOf(needle) >= 0, $"{what} is stored in the clear");

    [Fact]
    public async Task PrivateKeysAreSealedAndOnlyTheSealedFormIsStored()
    {
        var client = _app.CreateGraphQLClient();
        var (_, token) = await client.RegisterAndLoginAsync("sealed@example.com");
        var kid = Jwt.Header(token)["kid"]!.GetValue<string>();
        var keys = await _app.QueryDbAsync(db => db.PoolKeys.AsNoTracking().ToListAsync());
        var bytes = DatabaseBytes();

        Assert.Contains(keys, k => k.Id == kid);
        Assert.True(keys.Count >= 2, "a signing and a transport key"); // the transport key is made with the pool too
        foreach (var key in keys)
        {
            var pkcs8 = Unseal(key.PrivateKeySealed);
            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            Assert.Equal(key.PublicKey, rsa.ExportSubjectPublicKeyInfo());
            var p = rsa.ExportParameters(includePrivateParameters: true);
            AssertAbsent(bytes, pkcs8, "a PKCS#8 private key");
            AssertAbsent(bytes, rsa.ExportRSAPrivateKey(), "a PKCS#1 private key");
            AssertAbsent(bytes, p.D!, "a private exponent");
            AssertAbsent(bytes, p.P!, "a private prime");
            AssertAbsent(bytes, Encoding.UTF8.GetBytes(Convert.ToBase64String(pkcs8)[..64]), "a PEM private key");
        }
        AssertAbsent(bytes, "PRIVATE KEY"u8.ToArray(), "a PEM private key");
    }

    [Fact]
    public async Task PoolSecretsAreSealedBeforeAndAfterARefresh()
    {
        var client = _app.CreateGraphQLClient();
        var admin = await client.ManagementTokenAsync(_app.Secret);
        var sealedSecret = await _app.QueryDbAsync(db => db.UserPools.Where(p => p.Id == _app.UserPoolId).Select(p => p.SecretSealed).SingleAsync());

        Assert.Equal(_app.Secret, Encoding.UTF8.GetString(Unseal(sealedSecret)));
        AssertAbsent(DatabaseBytes(), Encoding.UTF8.GetBytes(_app.Secret), "the pool secret");

        var refreshed = GraphQLClient.Success(await client.PostAsync("mutation { refreshUserpoolSecret }", token: admin), "refreshUserpoolSecret")
            .GetValue<string>();
        var resealed = await _app.QueryDbAsync(db => db.UserPools.Where(p => p.Id == _app.UserPoolId).Select(p => p.SecretSealed).SingleAsync());

        Assert.Equal(refreshed, Encoding.UTF8.GetString(Unseal(resealed)));
        var bytes = DatabaseBytes();
        AssertAbsent(bytes, Encoding.UTF8.GetBytes(refreshed), "the refreshed pool secret");
        AssertAbsent(bytes, Encoding.Unicode.GetBytes(refreshed), "the refreshed pool secret (UTF-16)");
    }
}
