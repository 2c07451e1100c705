using System.Security.Cryptography;

namespace GenAuth.Core.Common;

/// <summary>24-hex identifiers shaped like GenAuth's (time prefix, then random), so ids sort by creation.</summary>
public static class Ids
{
    public static string New(TimeProvider? clock = null)
    {
        Span<byte> bytes = stackalloc byte[12];
        var seconds = (uint)(clock ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds();
        bytes[0] = (byte)(seconds >> 24);
        bytes[1] = (byte)(seconds >> 16);
        bytes[2] = (byte)(seconds >> 8);
        bytes[3] = (byte)seconds;
        RandomNumberGenerator.Fill(bytes[4..]);
        return Convert.ToHexStringLower(bytes);
    }

    public static string NewSecret(int bytes = 16) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    public static bool IsValid(string? id) =>
        id is { Length: 24 } && id.All(char.IsAsciiHexDigit);
}
