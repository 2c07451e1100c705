namespace GenAuth.Core.Permissions;

/// <summary>One resource a subject may act on, as GenAuth lists it: { code, type, actions, apiIdentifier }.</summary>
public sealed record AuthorizedResource(string Code, ResourceType Type, IReadOnlyList<string> Actions, string? ApiIdentifier);

/// <summary>A target a resource is granted to (authorizedTargets): USER id, ROLE code, GROUP code or ORG node id.</summary>
public sealed record AuthorizedTarget(PermissionTargetType TargetType, string TargetIdentifier, IReadOnlyList<string> Actions);

/// <summary>One grant in authorizeResource: a target and the actions it gets (replacing what it had).</summary>
public sealed record AuthorizeOpt(PermissionTargetType TargetType, string TargetIdentifier, IReadOnlyList<string>? Actions, string? Conditions = null);

/// <summary>GenAuth's wildcard matching for resource codes and actions: '*' matches any run of characters.</summary>
public static class Wildcard
{
    public static bool Matches(string pattern, string value)
    {
        int p = 0, v = 0, star = -1, mark = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = v;
            }
            else if (p < pattern.Length && pattern[p] == value[v])
            {
                p++;
                v++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++mark;
            }
            else
                return false;
        }
        while (p < pattern.Length && pattern[p] == '*')
            p++;
        return p == pattern.Length;
    }
}
