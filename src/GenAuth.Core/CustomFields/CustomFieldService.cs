using System.Text.Json;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.CustomFields;

/// <summary>A value as callers see it (GenAuth's UserDefinedData), with the label in the caller's language.</summary>
public sealed record CustomDataView(string Key, string DataType, string Value, string? Label);

/// <summary>setUdf's input; null Unique or UserEditable keeps the stored value (off for a new field).</summary>
public sealed record CustomFieldInput(string TargetType, string Key, string DataType, string Label, string? Options,
    bool? Unique, IReadOnlyDictionary<string, string>? Labels, bool? UserEditable = null);

/// <summary>Custom field definitions (udf) and values (udv) for users, roles, groups, org nodes...</summary>
public sealed class CustomFieldService(GenAuthDbContext db, CallerContext caller, TimeProvider clock)
{
    public async Task<CustomField> SetFieldAsync(CustomFieldInput input, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        var targetType = RequireOneOf(input.TargetType, CustomFieldTypes.TargetTypes, "targetType");
        var dataType = RequireOneOf(input.DataType, CustomFieldTypes.DataTypes, "dataType");
        if (string.IsNullOrWhiteSpace(input.Key) || input.Key.Length > 128)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "key must have 1 to 128 characters");
        var labels = input.Labels ?? LabelsFromOptions(input.Options);
        var unknownLang = labels?.Keys.FirstOrDefault(l => !CustomFieldTypes.Languages.Contains(l));
        if (unknownLang is not null)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"label language '{unknownLang}' is not one of {string.Join(", ", CustomFieldTypes.Languages)}");
        var unique = input.Unique ?? UniqueFromOptions(input.Options);
        if (unique == true && dataType is not ("STRING" or "NUMBER"))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "only STRING and NUMBER fields can be unique");

        var now = clock.GetUtcNow().UtcDateTime;
        var field = await db.CustomFields.FirstOrDefaultAsync(f => f.TargetType == targetType && f.Key == input.Key, ct);
        if (field is null)
        {
            field = new CustomField { UserPoolId = pool.Id, TargetType = targetType, Key = input.Key, DataType = dataType, Label = input.Label, CreatedAt = now };
            db.CustomFields.Add(field);
        }
        else if (field.DataType != dataType && await Values(targetType, input.Key).AnyAsync(ct))
        {
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "the data type of a field with values can't change");
        }
        field.DataType = dataType;
        field.Label = input.Label;
        field.Options = input.Options;
        if (labels is not null)
            field.LabelsJson = JsonSerializer.Serialize(labels);
        var uniqueChanged = unique is not null && unique != field.Unique;
        if (unique is not null)
            field.Unique = unique.Value;
        if (input.UserEditable is { } userEditable)
            field.UserEditable = userEditable;
        field.UpdatedAt = now;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await UserUniqueness.SaveAsync(db, ct);
        // Note: turning "unique" on copies existing values into the indexed column, so existing duplicates refuse it (2026).
        if (uniqueChanged)
            await SaveValuesAsync(() => Values(targetType, input.Key)
                .ExecuteUpdateAsync(s => s.SetProperty(v => v.UniqueValue, v => field.Unique ? v.Value : null), ct));
        await tx.CommitAsync(ct);
        return field;
    }

    public async Task<IReadOnlyList<CustomField>> ListFieldsAsync(string targetType, CancellationToken ct)
    {
        caller.RequireAdmin();
        return await db.CustomFields.AsNoTracking().Where(f => f.TargetType == targetType).OrderBy(f => f.Id).ToListAsync(ct);
    }

    public async Task RemoveFieldAsync(string targetType, string key, CancellationToken ct)
    {
        caller.RequireAdmin();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var removed = await db.CustomFields.Where(f => f.TargetType == targetType && f.Key == key).ExecuteDeleteAsync(ct);
        if (removed == 0)
            throw new GenAuthException(ErrorCodes.CustomFieldNotFound);
        await Values(targetType, key).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<CustomDataView>> GetValuesAsync(string targetType, string targetId, CancellationToken ct)
    {
        await RequireTargetAsync(targetType, targetId, ct);
        return (await LoadAsync(targetType, [targetId], ct))[targetId];
    }

    /// <summary>Sets several values of one target at once: all are checked first, then written in one save.</summary>
    public async Task<IReadOnlyList<CustomDataView>> SetValuesAsync(string targetType, string targetId,
        IReadOnlyList<KeyValuePair<string, string?>> values, CancellationToken ct)
    {
        await RequireTargetAsync(targetType, targetId, ct);
        await RequireUserEditableAsync(targetType, values.Select(v => v.Key), ct);
        await WriteAsync(targetType, values.Select(v => (targetId, v.Key, v.Value)).ToList(), ct);
        return (await LoadAsync(targetType, [targetId], ct))[targetId];
    }

    public async Task SetValuesBatchAsync(string targetType, IReadOnlyList<(string TargetId, string Key, string? Value)> values,
        CancellationToken ct)
    {
        caller.RequireAdmin();
        if (targetType == "USER")
        {
            var ids = values.Select(v => v.TargetId).Distinct().ToList();
            var found = await db.Users.CountAsync(u => ids.Contains(u.Id) && !u.IsDeleted, ct);
            if (found != ids.Count)
                throw new GenAuthException(ErrorCodes.UserNotFound);
        }
        await WriteAsync(targetType, values, ct);
    }

    public async Task<IReadOnlyList<CustomDataView>> RemoveValueAsync(string targetType, string targetId, string key, CancellationToken ct)
    {
        await RequireTargetAsync(targetType, targetId, ct);
        await RequireUserEditableAsync(targetType, [key], ct);
        await db.CustomFieldValues.Where(v => v.TargetType == targetType && v.TargetId == targetId && v.Key == key).ExecuteDeleteAsync(ct);
        return (await LoadAsync(targetType, [targetId], ct))[targetId];
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<CustomDataView>>> GetValuesBatchAsync(string targetType,
        IReadOnlyCollection<string> targetIds, CancellationToken ct)
    {
        caller.RequireAdmin();
        return await LoadAsync(targetType, targetIds, ct);
    }

    /// <summary>
    /// Values of many targets in two statements (fields, then values), keyed by target id, every id present.
    /// No access check: callers pass targets they were already allowed to read (e.g. the users of a page).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<CustomDataView>>> LoadAsync(string targetType,
        IReadOnlyCollection<string> targetIds, CancellationToken ct)
    {
        var ids = targetIds.Distinct().ToList();
        var fields = await db.CustomFields.AsNoTracking().Where(f => f.TargetType == targetType).ToDictionaryAsync(f => f.Key, ct);
        var values = ids.Count == 0 || fields.Count == 0
            ? []
            : await db.CustomFieldValues.AsNoTracking().Where(v => v.TargetType == targetType && ids.Contains(v.TargetId))
                .OrderBy(v => v.Id).ToListAsync(ct);
        var byTarget = values.ToLookup(v => v.TargetId);
        return ids.ToDictionary(id => id, id => (IReadOnlyList<CustomDataView>)byTarget[id]
            .Where(v => fields.ContainsKey(v.Key))
            .Select(v => new CustomDataView(v.Key, fields[v.Key].DataType, v.Value, LabelFor(fields[v.Key], caller.Lang)))
            .ToList());
    }

    /// <summary>The field's display name in the caller's language (zh-CN, en-US, zh-TW, ja-JP), else its default label.</summary>
    public static string LabelFor(CustomField field, string? lang)
    {
        if (field.LabelsJson is null || string.IsNullOrEmpty(lang))
            return field.Label;
        var labels = JsonSerializer.Deserialize<Dictionary<string, string>>(field.LabelsJson) ?? [];
        // Note: exact language only (a bare "en", "zh", "ja" means en-US, zh-CN, ja-JP); zh-TW never falls back to zh-CN.
        var wanted = lang.ToLowerInvariant() switch { "en" => "en-US", "zh" => "zh-CN", "ja" => "ja-JP", _ => lang };
        var match = labels.FirstOrDefault(l => string.Equals(l.Key, wanted, StringComparison.OrdinalIgnoreCase)).Value;
        return string.IsNullOrEmpty(match) ? field.Label : match;
    }

    public static IReadOnlyDictionary<string, string> Labels(CustomField field) =>
        field.LabelsJson is null ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(field.LabelsJson) ?? [];

    /// <summary>Writes values of existing fields (created by setUdf first), every one checked before anything is saved.</summary>
    internal async Task WriteAsync(string targetType, IReadOnlyList<(string TargetId, string Key, string? Value)> values, CancellationToken ct)
    {
        var pool = caller.RequirePool();
        var keys = values.Select(v => v.Key).Distinct().ToList();
        var fields = await db.CustomFields.AsNoTracking().Where(f => f.TargetType == targetType && keys.Contains(f.Key)).ToDictionaryAsync(f => f.Key, ct);
        var missing = keys.FirstOrDefault(k => !fields.ContainsKey(k));
        if (missing is not null)
            throw new GenAuthException(ErrorCodes.CustomFieldNotFound, detail: missing);
        var normalized = values.Select(v => (v.TargetId, v.Key, Value: CustomFieldValues.Normalize(fields[v.Key], v.Value))).ToList();
        var targets = normalized.Select(v => v.TargetId).Distinct().ToList();
        var existing = await db.CustomFieldValues.Where(v => v.TargetType == targetType && targets.Contains(v.TargetId) && keys.Contains(v.Key))
            .ToDictionaryAsync(v => (v.TargetId, v.Key), ct);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var (targetId, key, value) in normalized)
        {
            if (!existing.TryGetValue((targetId, key), out var row))
            {
                row = new CustomFieldValue { UserPoolId = pool.Id, TargetType = targetType, TargetId = targetId, Key = key, Value = value };
                db.CustomFieldValues.Add(row);
                existing[(targetId, key)] = row;
            }
            row.Value = value;
            row.UniqueValue = fields[key].Unique ? value : null;
            row.UpdatedAt = now;
        }
        await UserUniqueness.SaveAsync(db, ct);
    }

    /// <summary>Admins reach any target of their pool; a user only their own USER values.</summary>
    private async Task RequireTargetAsync(string targetType, string targetId, CancellationToken ct)
    {
        caller.RequirePool();
        if (caller.Kind == PrincipalKind.User)
        {
            if (targetType != "USER" || targetId != caller.UserId)
                throw new GenAuthException(ErrorCodes.Forbidden);
            return;
        }
        caller.RequireAdmin();
        if (targetType == "USER" && !await db.Users.AnyAsync(u => u.Id == targetId && !u.IsDeleted, ct))
            throw new GenAuthException(ErrorCodes.UserNotFound);
    }

    /// <summary>
    /// A user writing their own values may only touch fields the admin marked userEditable (403 naming the first other
    /// one, before anything is written); an unknown key still answers 2601 from the write. Admins are not limited.
    /// </summary>
    private async Task RequireUserEditableAsync(string targetType, IEnumerable<string> keys, CancellationToken ct)
    {
        if (caller.Kind != PrincipalKind.User)
            return;
        var wanted = keys.Distinct().ToList();
        var locked = await db.CustomFields.AsNoTracking()
            .Where(f => f.TargetType == targetType && wanted.Contains(f.Key) && !f.UserEditable)
            .Select(f => f.Key).OrderBy(k => k).FirstOrDefaultAsync(ct);
        if (locked is not null)
            throw new GenAuthException(ErrorCodes.CustomFieldNotUserEditable, detail: locked);
    }

    private IQueryable<CustomFieldValue> Values(string targetType, string key) =>
        db.CustomFieldValues.Where(v => v.TargetType == targetType && v.Key == key);

    private static async Task SaveValuesAsync(Func<Task<int>> update)
    {
        try
        {
            await update();
        }
        catch (Exception e) when (Data.DbErrors.IsUniqueViolation(e))
        {
            throw new GenAuthException(ErrorCodes.CustomFieldValueTaken);
        }
    }

    private static string RequireOneOf(string value, string[] allowed, string name) =>
        allowed.Contains(value) ? value : throw new GenAuthException(ErrorCodes.BadRequest, detail: $"{name} must be one of {string.Join(", ", allowed)}");

    private static Dictionary<string, string>? LabelsFromOptions(string? options) =>
        TryObject(options)?.TryGetProperty("labels", out var l) == true && l.ValueKind == JsonValueKind.Object
            ? l.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString())
            : null;

    private static bool? UniqueFromOptions(string? options) =>
        TryObject(options)?.TryGetProperty("unique", out var u) == true && u.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? u.GetBoolean()
            : null;

    private static JsonElement? TryObject(string? options)
    {
        if (string.IsNullOrWhiteSpace(options) || options.TrimStart()[0] != '{')
            return null;
        try
        {
            return JsonDocument.Parse(options).RootElement;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
