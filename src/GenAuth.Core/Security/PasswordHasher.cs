using System.Text;
using Geralt;
using GenAuth.Core.Common;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Security;

/// <summary>
/// Argon2id (libsodium) on a bounded executor (<see cref="HashExecutor"/>): at most one hash per core at a time, a
/// limited queue behind, and a share of the slots that hashing new passwords can't take from logins.
/// </summary>
// Note: an unbounded flood of logins would otherwise take every thread-pool thread and starve quick requests and pushes.
public sealed class PasswordHasher : IDisposable
{
    private readonly PasswordOptions _options;

    public PasswordHasher(IOptions<GenAuthOptions> options)
    {
        _options = options.Value.Passwords;
        Executor = HashExecutor.From(_options);
    }

    /// <summary>The slots hashes run in (two lanes: logins, new passwords).</summary>
    public HashExecutor Executor { get; }

    /// <summary>A hash of a random password, verified against when an account doesn't exist, so timing tells nothing.</summary>
    public string DummyHash { get; private set; } = "";

    public Task<string> HashAsync(string password, CancellationToken ct) =>
        Executor.RunAsync(HashLane.NewPassword, () => Hash(password), ct);

    public Task<bool> VerifyAsync(string? phc, string password, CancellationToken ct) =>
        Executor.RunAsync(HashLane.Login, () => Verify(phc, password), ct);

    public string Hash(string password)
    {
        Span<char> buffer = stackalloc char[Argon2id.HashSize];
        Argon2id.ComputeHash(buffer, Encoding.UTF8.GetBytes(password), _options.Iterations, _options.MemoryKiB * 1024);
        var end = buffer.IndexOf('\0');
        return new string(end < 0 ? buffer : buffer[..end]);
    }

    private bool Verify(string? phc, string password)
    {
        if (string.IsNullOrEmpty(DummyHash))
            DummyHash = Hash(Ids.NewSecret());
        return Argon2id.VerifyHash(phc ?? DummyHash, Encoding.UTF8.GetBytes(password)) && phc is not null;
    }

    public void Dispose() => Executor.Dispose();
}
