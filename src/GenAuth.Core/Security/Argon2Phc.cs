using System.Globalization;

namespace GenAuth.Core.Security;

/// <summary>The parameters of an Argon2 PHC string: $argon2id$v=19$m=19456,t=2,p=1$salt$hash.</summary>
public sealed record Argon2Phc(string Variant, int Version, long MemoryKiB, long Iterations, long Parallelism)
{
    /// <summary>Null when the string is not an Argon2 PHC hash with readable parameters.</summary>
    public static Argon2Phc? Parse(string? phc)
    {
        if (string.IsNullOrEmpty(phc) || phc.Length > 512)
            return null;
        var parts = phc.Split('$');
        // "", variant, v=19, m=..,t=..,p=.., salt, hash
        if (parts.Length != 6 || parts[0].Length != 0 || !parts[1].StartsWith("argon2", StringComparison.Ordinal)
            || !parts[2].StartsWith("v=", StringComparison.Ordinal)
            || !int.TryParse(parts[2].AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            return null;
        long m = -1, t = -1, p = -1;
        foreach (var pair in parts[3].Split(','))
        {
            var kv = pair.Split('=', 2);
            if (kv.Length != 2 || !long.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                return null;
            switch (kv[0])
            {
                case "m": m = value; break;
                case "t": t = value; break;
                case "p": p = value; break;
                default: return null;
            }
        }
        return m < 0 || t < 0 || p < 0 ? null : new Argon2Phc(parts[1], version, m, t, p);
    }
}
