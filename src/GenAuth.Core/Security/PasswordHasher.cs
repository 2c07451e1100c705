using System.Text;
using Geralt;
using GenAuth.Core.Common;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Security;

/// <summary>
/// Argon2id (libsodium) on a bounded executor: at most one hash per core at a time, a limited queue behind.
/// </summary>
// Note: an unbounded flood of logins would otherwise take every thread-pool thread and starve quick requests and pushes.
public sealed class PasswordHasher : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly PasswordOptions _options;
    private int _waiting;

    public PasswordHasher(IOptions<GenAuthOptions> options)
    {
        _options = options.Value.Passwords;
        _slots = new SemaphoreSlim(_options.Concurrency ?? Environment.ProcessorCount);
    }

    /// <summary>A hash of a random password, verified against when an account doesn't exist, so timing tells nothing.</summary>
    public string DummyHash { get; private set; } = "";

    public Task<string> HashAsync(string password, CancellationToken ct) =>
        RunAsync(() => Hash(password), ct);

    public Task<bool> VerifyAsync(string? phc, string password, CancellationToken ct) =>
        RunAsync(() => Verify(phc, password), ct);

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

    private async Task<T> RunAsync<T>(Func<T> work, CancellationToken ct)
    {
        if (Interlocked.Increment(ref _waiting) > _options.QueueLimit)
        {
            Interlocked.Decrement(ref _waiting);
            throw new GenAuthException(ErrorCodes.Busy);
        }
        try
        {
            await _slots.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        try
        {
            return await Task.Run(work, ct).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
