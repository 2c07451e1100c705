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
        // Note: a stored hash costlier than the import caps (imported before they existed) is never computed: each
        // attempt would cost seconds of CPU. Its user resets the password.
        if (phc is not null && ImportRefusal(phc) is not null)
            phc = null;
        return Argon2id.VerifyHash(phc ?? DummyHash, Encoding.UTF8.GetBytes(password)) && phc is not null;
    }

    /// <summary>
    /// Refuses a hash createUser(keepPassword) may not store: not an Argon2id PHC string this server verifies, or with
    /// parameters above the caps (GenAuth:Passwords:ImportMax*).
    /// </summary>
    public void RequireImportable(string? phc)
    {
        if (ImportRefusal(phc) is { } why)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: why);
    }

    /// <summary>True when a verified hash should be replaced by one with the server's parameters (Argon2id, m, t, p = 1).</summary>
    public bool NeedsUpgrade(string? phc) =>
        phc is not null
        && (Argon2Phc.Parse(phc) is not { Variant: "argon2id", Version: 19, Parallelism: 1 } p
            || p.MemoryKiB != _options.MemoryKiB || p.Iterations != _options.Iterations);

    private string? ImportRefusal(string? phc)
    {
        if (Argon2Phc.Parse(phc) is not { Variant: "argon2id" } p)
            return "keepPassword needs an Argon2id PHC hash ($argon2id$v=19$m=…,t=…,p=…$salt$hash)";
        if (p.Version != 19)
            return "keepPassword: only Argon2id version 19 hashes are supported";
        if (p.MemoryKiB > _options.ImportMaxMemoryKiB || p.Iterations > _options.ImportMaxIterations
            || p.Parallelism > _options.ImportMaxParallelism || p.MemoryKiB < 8 || p.Iterations < 1 || p.Parallelism < 1)
            return $"keepPassword: Argon2id parameters must be at most m={_options.ImportMaxMemoryKiB} KiB, t={_options.ImportMaxIterations}, "
                   + $"p={_options.ImportMaxParallelism}";
        return null;
    }

    public void Dispose() => Executor.Dispose();
}
