using GenAuth.Core.Users;
using GraphQL;

namespace GenAuth.GraphQL.Common;

/// <summary>Reads the loosely typed input objects of GenAuth's mutations (dictionaries of the fields supplied).</summary>
public static class InputReader
{
    public static Dictionary<string, object?> Input(IResolveFieldContext c, string name = "input") =>
        c.GetArgument<Dictionary<string, object?>>(name) ?? [];

    public static string? Str(Dictionary<string, object?> input, string key) =>
        input.TryGetValue(key, out var v) ? v as string : null;

    /// <summary>The SDK's forceLogin / generateToken: register and return a session token at once.</summary>
    public static bool IssueToken(Dictionary<string, object?> input) =>
        input.TryGetValue("forceLogin", out var f) && f is true || input.TryGetValue("generateToken", out var g) && g is true;

    public static ProfileInput? Profile(Dictionary<string, object?> input)
    {
        if (!input.TryGetValue("profile", out var p) || p is not Dictionary<string, object?> dict)
            return null;
        var profile = new ProfileInput();
        foreach (var (key, value) in dict)
            profile[key] = value;
        return profile;
    }

    public static bool English(IResolveFieldContext c) =>
        c.Caller().Lang?.StartsWith("en", StringComparison.OrdinalIgnoreCase) == true;
}
