using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Tokens;
using GenAuth.Core.Users;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace GenAuth.Core.Profile;

public sealed record UploadedFile(string Key, string Url);

/// <summary>
/// Avatar images: PNG, JPEG or WebP recognised by their bytes (not the name or the declared type), at most 2 MB,
/// stored under {DataDirectory}/uploads/avatar and served at {PublicUrl}/uploads/avatar/{file}.
/// A signed-in caller's photo is set at once; an anonymous upload (the SDK's browser helper sends no token) only
/// stores the file and returns its URL, limited per IP.
/// </summary>
public sealed class AvatarService(
    GenAuthDbContext db,
    CallerContext caller,
    AccountService accounts,
    IOptions<GenAuthOptions> options,
    IssuerProvider issuer,
    IMemoryCache cache,
    TimeProvider clock)
{
    public const int MaxBytes = 2 * 1024 * 1024;
    public const int AnonymousUploadsPerHour = 20;

    public string Folder => Path.Combine(options.Value.DataDirectory, "uploads", "avatar");

    public async Task<(UploadedFile File, UserView? User)> UploadAsync(Stream content, CancellationToken ct)
    {
        var bytes = await ReadLimitedAsync(content, ct);
        var ext = Sniff(bytes) ?? throw new GenAuthException(ErrorCodes.InvalidImage);
        if (caller.Kind != PrincipalKind.User)
            CountAnonymousUpload();
        PrivateFiles.CreateDirectory(Folder);
        var name = $"{Ids.NewSecret(16)}.{ext}";
        await PrivateFiles.WriteAllBytesAsync(Path.Combine(Folder, name), bytes, ct);
        var file = new UploadedFile($"avatar/{name}", $"{issuer.BaseUrl}/uploads/avatar/{name}");
        if (caller.Kind != PrincipalKind.User)
            return (file, null);
        var user = await accounts.RequireSelfAsync(null, tracked: true, ct);
        user.Photo = file.Url;
        user.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return (file, accounts.SelfView(user));
    }

    /// <summary>The stored file for a served name, or null; names are ours (hex + known extension), so no path tricks.</summary>
    public (string Path, string ContentType)? Find(string name)
    {
        var dot = name.LastIndexOf('.');
        if (dot != 32 || !name[..dot].All(char.IsAsciiHexDigit))
            return null;
        var type = name[(dot + 1)..] switch { "png" => "image/png", "jpg" => "image/jpeg", "webp" => "image/webp", _ => null };
        var path = Path.Combine(Folder, name);
        return type is null || !File.Exists(path) ? null : (path, type);
    }

    public static string? Sniff(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 8 && b[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }))
            return "png";
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
            return "jpg";
        if (b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b.Slice(8, 4).SequenceEqual("WEBP"u8))
            return "webp";
        return null;
    }

    private static async Task<byte[]> ReadLimitedAsync(Stream content, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
                throw new GenAuthException(ErrorCodes.InvalidImage);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private void CountAnonymousUpload()
    {
        var key = ("avatar-upload", caller.Ip ?? "");
        var count = cache.GetOrCreate(key, e =>
        {
            e.AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(1);
            return new int[1];
        })!;
        if (Interlocked.Increment(ref count[0]) > AnonymousUploadsPerHour)
            throw new GenAuthException(ErrorCodes.TooManyUploads);
    }
}
