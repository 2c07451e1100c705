using System.Text.Json;
using System.Text.Json.Nodes;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.CustomFields;
using GenAuth.Core.Data;
using GenAuth.Core.Groups;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace GenAuth.Core.Pipelines;

/// <summary>What a trigger's functions decided: a refusal (with its GenAuth code and message) or the id-token claims they added.</summary>
public sealed record PipelineOutcome(ErrorCode? Refusal, IReadOnlyDictionary<string, object?> Claims)
{
    public static readonly PipelineOutcome Passed = new(null, new Dictionary<string, object?>());

    /// <summary>The claims as JSON (stored on the session so a refreshed token keeps them); null when there are none.</summary>
    public string? ClaimsJson => Claims.Count == 0 ? null : JsonSerializer.Serialize(Claims);

    public static IReadOnlyDictionary<string, object?> ParseClaims(string? json)
    {
        if (string.IsNullOrEmpty(json) || JsonNode.Parse(json) is not JsonObject o)
            return Passed.Claims;
        return o.ToDictionary(p => p.Key, p => PipelineRunner.ToClr(p.Value));
    }
}

/// <summary>
/// Runs a pool's functions of one trigger in order, passing <c>user</c> and <c>context</c> from one to the next. A function
/// that calls back with an error refuses the action with its message (code 2962); one that fails (throws, times out, runs
/// out of memory or statements, never calls back) refuses PRE triggers (2963, fail closed) and is only logged for POST
/// triggers. What the functions changed on the user (customData of existing fields, groups by code) is added to the
/// request's context, so it is saved with the action it belongs to, or not at all.
/// </summary>
public sealed class PipelineRunner(
    GenAuthDbContext db,
    CallerContext caller,
    PipelineDirectory directory,
    PipelineSandbox sandbox,
    TimeProvider clock,
    ILogger<PipelineRunner> log)
{
    // Note: claims that say who and for what a token is; a function may not replace them.
    private static readonly HashSet<string> ReservedClaims =
    [
        "iss", "sub", "aud", "exp", "iat", "nbf", "jti", "sid", "nonce", "auth_time", "acr", "amr", "azp", "at_hash", "c_hash",
        "userpool_id", "token_type", "scope", "sv", "email", "email_verified", "phone_number", "phone_number_verified",
    ];

    /// <summary>The pool's cached functions (no query when cached), for callers that want to skip work when there are none.</summary>
    public Task<PoolPipelines> PoolAsync(CancellationToken ct) =>
        caller.Pool is { } pool ? directory.GetAsync(db, pool.Id, ct) : Task.FromResult(PoolPipelines.None);

    public async Task<PipelineOutcome> RunAsync(string trigger, User user, string method, CancellationToken ct,
        IReadOnlyDictionary<string, string?>? body = null)
    {
        if (caller.Pool is not { } pool)
            return PipelineOutcome.Passed;
        var snapshot = await directory.GetAsync(db, pool.Id, ct);
        var functions = snapshot.For(trigger);
        if (functions.Length == 0)
            return PipelineOutcome.Passed;
        var withCustomData = functions.Any(f => f.UsesCustomData);
        var withGroups = functions.Any(f => f.UsesGroups);
        var customData = withCustomData ? await LoadCustomDataAsync(user.Id, ct) : null;
        var groups = withGroups ? await LoadGroupsAsync(user.Id, ct) : null;
        var userJson = UserJson(user, customData, groups);
        var contextJson = ContextJson(pool.Id, trigger, method, user, body);
        var claims = new Dictionary<string, object?>(StringComparer.Ordinal);

        foreach (var function in functions)
        {
            var result = sandbox.RunPipe(function.SourceCode, userJson, contextJson, snapshot.Environment, function.TimeoutMs, ct);
            switch (result.Status)
            {
                case SandboxStatus.Refused:
                    log.LogInformation("Pipeline function {FunctionId} ({Trigger}) of pool {PoolId} refused: {Message}", function.Id, trigger,
                        pool.Id, result.Message);
                    var message = string.IsNullOrWhiteSpace(result.Message) ? ErrorCodes.PipelineRefused.EnUs : result.Message;
                    return new PipelineOutcome(ErrorCodes.PipelineRefused with { ZhCn = message, EnUs = message }, PipelineOutcome.Passed.Claims);
                case SandboxStatus.Failed:
                    log.LogWarning("Pipeline function {FunctionId} ({Trigger}) of pool {PoolId} failed: {Message}", function.Id, trigger,
                        pool.Id, result.Message);
                    if (PipelineTriggers.FailsClosed(trigger))
                        return new PipelineOutcome(ErrorCodes.PipelineFailed, PipelineOutcome.Passed.Claims);
                    continue;
            }
            if (result.User is { } nextUser)
                userJson = nextUser;
            if (result.Context is { } nextContext)
                contextJson = nextContext;
            AddClaims(claims, result.Tokens, function);
        }

        if (customData is not null && userJson["customData"] is JsonObject changedData)
            await ApplyCustomDataAsync(pool.Id, user.Id, customData, changedData, ct);
        if (groups is not null && userJson["groups"] is JsonArray changedGroups)
            await ApplyGroupsAsync(pool.Id, user.Id, groups, changedGroups, ct);
        return new PipelineOutcome(null, claims);
    }

    private void AddClaims(Dictionary<string, object?> claims, IReadOnlyList<KeyValuePair<string, JsonNode?>> tokens, PipeDefinition function)
    {
        var options = sandbox.Options;
        foreach (var (key, value) in tokens)
        {
            if (string.IsNullOrEmpty(key) || key.Length > 64 || ReservedClaims.Contains(key) || key.StartsWith("oi_", StringComparison.Ordinal))
            {
                log.LogWarning("Pipeline function {FunctionId} tried to set the reserved or invalid claim {Claim}", function.Id, key);
                continue;
            }
            // Note: addToken(k) with null or undefined sets no claim (and drops one an earlier function set).
            if (value is null)
            {
                claims.Remove(key);
                continue;
            }
            if (!claims.ContainsKey(key) && claims.Count >= options.MaxTokenClaims)
                continue;
            var previous = claims.TryGetValue(key, out var old) ? old : null;
            claims[key] = ToClr(value);
            if (JsonSerializer.SerializeToUtf8Bytes(claims).Length > options.MaxTokenClaimsBytes)
            {
                log.LogWarning("Pipeline function {FunctionId}: claim {Claim} dropped (claims larger than {Bytes} bytes)", function.Id, key,
                    options.MaxTokenClaimsBytes);
                if (previous is null)
                    claims.Remove(key);
                else
                    claims[key] = previous;
            }
        }
    }

    /// <summary>JSON as plain CLR values (string, long, double, bool, dictionaries, lists) for the token writers.</summary>
    internal static object? ToClr(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => ToClr(p.Value)),
        JsonArray a => a.Select(ToClr).ToList(),
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        _ => node.ToJsonString(),
    };

    private static JsonObject UserJson(User user, Dictionary<string, string>? customData, List<string>? groups)
    {
        var o = new JsonObject
        {
            ["id"] = user.Id,
            ["userPoolId"] = user.UserPoolId,
            ["email"] = user.Email,
            ["emailVerified"] = user.EmailVerified,
            ["phone"] = user.Phone,
            ["phoneVerified"] = user.PhoneVerified,
            ["username"] = user.Username,
            ["nickname"] = user.Nickname,
            ["name"] = user.Name,
            ["photo"] = user.Photo,
            ["company"] = user.Company,
            ["registerSource"] = user.RegisterSource,
            ["loginsCount"] = user.LoginsCount,
            ["lastLogin"] = user.LastLogin is { } last ? IsoTime.Format(last) : null,
            ["createdAt"] = IsoTime.Format(user.CreatedAt),
        };
        if (customData is not null)
            o["customData"] = new JsonObject(customData.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
        if (groups is not null)
            o["groups"] = new JsonArray(groups.Select(g => (JsonNode?)JsonValue.Create(g)).ToArray());
        return o;
    }

    private JsonObject ContextJson(string poolId, string trigger, string method, User user, IReadOnlyDictionary<string, string?>? body)
    {
        // Note: the request body a function sees carries identifiers only (the account's, or the registration's), never a
        // password, code or token.
        var requestBody = new JsonObject();
        foreach (var (key, value) in body ?? new Dictionary<string, string?> { ["email"] = user.Email, ["phone"] = user.Phone, ["username"] = user.Username })
            if (value is not null)
                requestBody[key] = value;
        return new JsonObject
        {
            ["trigger"] = trigger,
            ["userPoolId"] = poolId,
            ["appId"] = caller.App?.Id,
            ["protocol"] = method,
            ["lang"] = caller.Lang,
            ["request"] = new JsonObject
            {
                ["ip"] = caller.Ip,
                ["userAgent"] = caller.UserAgent,
                ["body"] = requestBody,
            },
        };
    }

    private async Task<Dictionary<string, string>> LoadCustomDataAsync(string userId, CancellationToken ct) =>
        await db.CustomFieldValues.AsNoTracking().Where(v => v.TargetType == "USER" && v.TargetId == userId)
            .ToDictionaryAsync(v => v.Key, v => v.Value, ct);

    private async Task<List<string>> LoadGroupsAsync(string userId, CancellationToken ct) =>
        await (from m in db.GroupMembers join g in db.Groups on m.GroupId equals g.Id where m.UserId == userId orderby g.Code select g.Code)
            .ToListAsync(ct);

    private async Task ApplyCustomDataAsync(string poolId, string userId, Dictionary<string, string> before, JsonObject after, CancellationToken ct)
    {
        var changed = after.Where(p => p.Value is not null && (!before.TryGetValue(p.Key, out var old) || old != Text(p.Value))).ToList();
        if (changed.Count == 0)
            return;
        var keys = changed.Select(c => c.Key).ToList();
        var fields = await db.CustomFields.AsNoTracking().Where(f => f.TargetType == "USER" && keys.Contains(f.Key)).ToDictionaryAsync(f => f.Key, ct);
        var rows = await db.CustomFieldValues.Where(v => v.TargetType == "USER" && v.TargetId == userId && keys.Contains(v.Key))
            .ToDictionaryAsync(v => v.Key, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var (key, node) in changed)
        {
            if (!fields.TryGetValue(key, out var field))
            {
                log.LogWarning("Pipeline set customData.{Key}, which is no custom field of pool {PoolId}: ignored", key, poolId);
                continue;
            }
            string value;
            try
            {
                value = CustomFieldValues.Normalize(field, Text(node));
            }
            catch (GenAuthException)
            {
                log.LogWarning("Pipeline set customData.{Key} to a value its field refuses: ignored", key);
                continue;
            }
            if (!rows.TryGetValue(key, out var row))
            {
                row = new CustomFieldValue { UserPoolId = poolId, TargetType = "USER", TargetId = userId, Key = key, Value = value };
                db.CustomFieldValues.Add(row);
            }
            row.Value = value;
            row.UniqueValue = field.Unique ? value : null;
            row.UpdatedAt = now;
        }
    }

    private static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? "";

    private async Task ApplyGroupsAsync(string poolId, string userId, List<string> before, JsonArray after, CancellationToken ct)
    {
        var wanted = after.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>().Distinct().ToList();
        var added = wanted.Except(before).ToList();
        var removed = before.Except(wanted).ToList();
        if (added.Count == 0 && removed.Count == 0)
            return;
        var codes = added.Concat(removed).ToList();
        var groups = await db.Groups.AsNoTracking().Where(g => codes.Contains(g.Code)).ToDictionaryAsync(g => g.Code, g => g.Id, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var code in added)
        {
            if (groups.TryGetValue(code, out var groupId))
                db.GroupMembers.Add(new GroupMember { UserPoolId = poolId, GroupId = groupId, UserId = userId, CreatedAt = now });
            else
                log.LogWarning("Pipeline added user to group {Code}, which pool {PoolId} doesn't have: ignored", code, poolId);
        }
        var removedIds = removed.Where(groups.ContainsKey).Select(c => groups[c]).ToList();
        if (removedIds.Count > 0)
        {
            var members = await db.GroupMembers.Where(m => m.UserId == userId && removedIds.Contains(m.GroupId)).ToListAsync(ct);
            db.GroupMembers.RemoveRange(members);
        }
    }
}
