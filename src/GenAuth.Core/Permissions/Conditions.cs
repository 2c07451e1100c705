using System.Globalization;
using System.Net;
using System.Text.Json;
using GenAuth.Core.Common;
using GenAuth.Core.Users;

namespace GenAuth.Core.Permissions;

/// <summary>What conditions are evaluated against: the request's client IP, the server clock, the user asked about.</summary>
public sealed record ConditionContext(IPAddress? Ip, DateTimeOffset Now, User? User);

/// <summary>
/// GenAuth's condition types on grants and policy statements, each { param, operator, value }; all of a list must hold.
/// <list type="bullet">
/// <item>IP range — param <c>ip</c>: <c>IN_RANGE</c> / <c>NOT_IN_RANGE</c>, value a comma-separated list of CIDR
/// blocks or addresses (IPv4 and IPv6).</item>
/// <item>Time window — param <c>time</c>: <c>BETWEEN</c> / <c>NOT_BETWEEN</c> with "start,end", <c>BEFORE</c> /
/// <c>AFTER</c> with one bound; a bound is an ISO 8601 instant, or "HH:mm" for a daily window in UTC (may wrap
/// midnight: "22:00,06:00"; "09:00-18:00" is accepted too).</item>
/// <item>User attribute — param <c>user.&lt;field&gt;</c> (id, username, email, phone, gender, company, …):
/// <c>EQUAL</c>, <c>NOT_EQUAL</c>, <c>IN</c> / <c>NOT_IN</c> (comma-separated), <c>CONTAINS</c>.</item>
/// </list>
/// Conditions are checked when written (a malformed one is refused, 400). A stored condition that still can't be
/// evaluated (written before conditions were checked) fails closed: an ALLOW with it doesn't apply, a DENY does.
/// </summary>
public static class Conditions
{
    public const int MaxConditions = 20;
    public const int MaxValueLength = 2048;

    private static readonly HashSet<string> IpParams = new(StringComparer.OrdinalIgnoreCase) { "ip", "request.ip", "source_ip", "sourceIp", "client_ip" };
    private static readonly HashSet<string> TimeParams = new(StringComparer.OrdinalIgnoreCase) { "time", "request.time", "current_time", "currentTime", "date" };

    /// <summary>Parses a grant's conditions (JSON: one object or an array of objects); null or blank is none.</summary>
    public static List<PolicyCondition> Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return [];
        try
        {
            using var doc = JsonDocument.Parse(json);
            var items = doc.RootElement.ValueKind switch
            {
                JsonValueKind.Array => doc.RootElement.EnumerateArray().ToList(),
                JsonValueKind.Object => [doc.RootElement],
                _ => throw Bad("conditions must be an object or a list of objects"),
            };
            var list = items.Select(ReadOne).ToList();
            Validate(list);
            return list;
        }
        catch (JsonException)
        {
            throw Bad("conditions must be JSON");
        }
    }

    private static PolicyCondition ReadOne(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
            throw Bad("each condition is an object { param, operator, value }");
        string? Get(string name)
        {
            foreach (var p in e.EnumerateObject())
                if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                    return p.Value.ValueKind switch
                    {
                        JsonValueKind.String => p.Value.GetString(),
                        JsonValueKind.Array => string.Join(',', p.Value.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString() : x.GetRawText())),
                        JsonValueKind.Null => null,
                        _ => p.Value.GetRawText(),
                    };
            return null;
        }
        return new PolicyCondition { Param = Get("param") ?? "", Operator = Get("operator") ?? "", Value = Get("value") ?? "" };
    }

    /// <summary>Refuses (400) a condition list this server can't evaluate.</summary>
    public static void Validate(IReadOnlyList<PolicyCondition> conditions)
    {
        if (conditions.Count > MaxConditions)
            throw Bad($"at most {MaxConditions} conditions");
        foreach (var c in conditions)
        {
            if (c.Value.Length > MaxValueLength)
                throw Bad($"a condition value is at most {MaxValueLength} characters");
            if (Evaluate(c, new ConditionContext(IPAddress.Loopback, DateTimeOffset.UnixEpoch, null), validating: true) is null)
                throw Bad($"condition {c.Param} {c.Operator} {c.Value} is not supported (ip IN_RANGE/NOT_IN_RANGE, time BETWEEN/NOT_BETWEEN/BEFORE/AFTER, user.<field> EQUAL/NOT_EQUAL/IN/NOT_IN/CONTAINS)");
        }
    }

    /// <summary>Whether every condition holds; one that can't be evaluated counts as <paramref name="whenBroken"/>.</summary>
    public static bool Hold(IReadOnlyList<PolicyCondition> conditions, ConditionContext context, bool whenBroken)
    {
        foreach (var c in conditions)
        {
            var result = Evaluate(c, context, validating: false) ?? whenBroken;
            if (!result)
                return false;
        }
        return true;
    }

    /// <summary>True/false, or null when the condition is malformed (unknown param/operator, value that doesn't parse).</summary>
    private static bool? Evaluate(PolicyCondition c, ConditionContext ctx, bool validating)
    {
        var op = c.Operator.Trim().ToUpperInvariant().Replace('-', '_').Replace(' ', '_');
        var param = c.Param.Trim();
        if (IpParams.Contains(param))
        {
            var negate = op is "NOT_IN_RANGE" or "NOT_IN" or "NOT_EQUAL";
            if (!negate && op is not ("IN_RANGE" or "IN" or "IP_RANGE" or "EQUAL"))
                return null;
            var networks = new List<IPNetwork>();
            foreach (var part in c.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (IPNetwork.TryParse(part, out var net))
                    networks.Add(net);
                else if (IPAddress.TryParse(part, out var one))
                    networks.Add(new IPNetwork(one, one.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
                else
                    return null;
            }
            if (networks.Count == 0)
                return null;
            if (ctx.Ip is not { } ip)
                return validating ? true : negate;
            if (ip.IsIPv4MappedToIPv6)
                ip = ip.MapToIPv4();
            var inside = networks.Any(n => n.Contains(ip));
            return negate ? !inside : inside;
        }
        if (TimeParams.Contains(param))
        {
            var parts = c.Value.Split([',', '/'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 1 && parts[0].Length <= 11 && parts[0].Count(ch => ch == '-') == 1 && parts[0].Contains(':'))
                parts = parts[0].Split('-', StringSplitOptions.TrimEntries);
            var bounds = parts.Select(ParseBound).ToList();
            if (bounds.Any(b => b is null))
                return null;
            switch (op)
            {
                case "BETWEEN" or "NOT_BETWEEN" when bounds.Count == 2 && bounds[0]!.Value.Daily == bounds[1]!.Value.Daily:
                {
                    bool inside;
                    if (bounds[0]!.Value.Daily)
                    {
                        var now = TimeOnly.FromDateTime(ctx.Now.UtcDateTime);
                        var (from, to) = (bounds[0]!.Value.Time, bounds[1]!.Value.Time);
                        inside = from <= to ? now >= from && now < to : now >= from || now < to;
                    }
                    else
                        inside = ctx.Now >= bounds[0]!.Value.Instant && ctx.Now < bounds[1]!.Value.Instant;
                    return op == "BETWEEN" ? inside : !inside;
                }
                case "BEFORE" or "AFTER" when bounds.Count == 1:
                {
                    var b = bounds[0]!.Value;
                    var before = b.Daily ? TimeOnly.FromDateTime(ctx.Now.UtcDateTime) < b.Time : ctx.Now < b.Instant;
                    return op == "BEFORE" ? before : !before;
                }
                default:
                    return null;
            }
        }
        if (param.StartsWith("user.", StringComparison.OrdinalIgnoreCase))
        {
            var field = param["user.".Length..];
            if (!UserFields.Contains(field))
                return null;
            if (op is not ("EQUAL" or "EQ" or "NOT_EQUAL" or "NE" or "IN" or "NOT_IN" or "CONTAINS"))
                return null;
            if (ctx.User is null)
                return validating ? true : null;
            var actual = UserField(ctx.User, field) ?? "";
            var values = c.Value.Split(',', StringSplitOptions.TrimEntries);
            return op switch
            {
                "EQUAL" or "EQ" => string.Equals(actual, c.Value, StringComparison.OrdinalIgnoreCase),
                "NOT_EQUAL" or "NE" => !string.Equals(actual, c.Value, StringComparison.OrdinalIgnoreCase),
                "IN" => values.Contains(actual, StringComparer.OrdinalIgnoreCase),
                "NOT_IN" => !values.Contains(actual, StringComparer.OrdinalIgnoreCase),
                _ => actual.Contains(c.Value, StringComparison.OrdinalIgnoreCase),
            };
        }
        return null;
    }

    private readonly record struct Bound(bool Daily, TimeOnly Time, DateTimeOffset Instant);

    private static Bound? ParseBound(string s)
    {
        if (s.Length <= 5 && TimeOnly.TryParseExact(s, ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
            return new Bound(true, t, default);
        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var i))
            return new Bound(false, default, i);
        return null;
    }

    private static readonly HashSet<string> UserFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "id", "username", "email", "phone", "emailVerified", "phoneVerified", "nickname", "name", "givenName", "familyName",
        "gender", "company", "country", "province", "city", "locality", "region", "postalCode", "locale", "zoneinfo",
        "registerSource", "externalId", "status",
    };

    /// <summary>The user's fields a condition may test (never secrets such as the password hash).</summary>
    private static string? UserField(User u, string field) => field.ToLowerInvariant() switch
    {
        "id" => u.Id,
        "username" => u.Username,
        "email" => u.Email,
        "phone" => u.Phone,
        "emailverified" => u.EmailVerified ? "true" : "false",
        "phoneverified" => u.PhoneVerified ? "true" : "false",
        "nickname" => u.Nickname,
        "name" => u.Name,
        "givenname" => u.GivenName,
        "familyname" => u.FamilyName,
        "gender" => u.Gender,
        "company" => u.Company,
        "country" => u.Country,
        "province" => u.Province,
        "city" => u.City,
        "locality" => u.Locality,
        "region" => u.Region,
        "postalcode" => u.PostalCode,
        "locale" => u.Locale,
        "zoneinfo" => u.Zoneinfo,
        "registersource" => u.RegisterSource,
        "externalid" => u.ExternalId,
        _ => u.Status,
    };

    private static GenAuthException Bad(string detail) => new(ErrorCodes.BadRequest, detail: detail);
}
