using System.Text.RegularExpressions;
using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Pipelines;

/// <summary>createFunction / updateFunction input (absent fields of an update keep their value).</summary>
public sealed record FunctionInput
{
    public string? Name { get; init; }
    public string? SourceCode { get; init; }
    public string? Description { get; init; }
    public string? Url { get; init; }
    public string? Trigger { get; init; }
    public int? Order { get; init; }
    public bool? Enabled { get; init; }
    public int? Timeout { get; init; }
}

/// <summary>updatePipelineSettings input: the fetch allow-list and the custom database (absent fields keep their value).</summary>
public sealed record PipelineSettingsInput
{
    public IReadOnlyList<string>? FetchAllowList { get; init; }
    public bool? CustomDatabaseEnabled { get; init; }
    public string? CustomDatabaseLoginScript { get; init; }
    public string? CustomDatabaseGetUserScript { get; init; }
}

public sealed record EnvView(string Key, string Value);

public sealed record PipelineSettingsView(IReadOnlyList<string> FetchAllowList, bool CustomDatabaseEnabled, string? CustomDatabaseLoginScript,
    string? CustomDatabaseGetUserScript);

/// <summary>An admin's management of the pool's pipeline functions, environment variables and sandbox settings.</summary>
public sealed partial class PipelineAdminService(
    GenAuthDbContext db,
    CallerContext caller,
    PipelineSandbox sandbox,
    PipelineDirectory directory,
    TimeProvider clock)
{
    private PipelineOptions Options => sandbox.Options;

    public async Task<PipelineFunction> CreateFunctionAsync(FunctionInput input, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        if (await db.Set<PipelineFunction>().CountAsync(ct) >= Options.MaxFunctionsPerPool)
            throw new GenAuthException(ErrorCodes.TooManyFunctions);
        var now = clock.GetUtcNow().UtcDateTime;
        var function = new PipelineFunction
        {
            Id = Ids.New(clock), UserPoolId = pool.Id, Name = "", SourceCode = "", CreatedAt = now, UpdatedAt = now,
        };
        Apply(function, input with { Trigger = input.Trigger ?? PipelineTriggers.PostAuthentication }, creating: true);
        db.Set<PipelineFunction>().Add(function);
        await db.SaveChangesAsync(ct);
        directory.Forget(pool.Id);
        return function;
    }

    public async Task<PipelineFunction> UpdateFunctionAsync(string? id, FunctionInput input, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        var function = await db.Set<PipelineFunction>().FirstOrDefaultAsync(f => f.Id == id, ct)
                       ?? throw new GenAuthException(ErrorCodes.FunctionNotFound);
        Apply(function, input, creating: false);
        function.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        directory.Forget(pool.Id);
        return function;
    }

    public async Task DeleteFunctionAsync(string? id, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        var deleted = await db.Set<PipelineFunction>().Where(f => f.Id == id).ExecuteDeleteAsync(ct);
        if (deleted == 0)
            throw new GenAuthException(ErrorCodes.FunctionNotFound);
        directory.Forget(pool.Id);
    }

    public async Task<PipelineFunction?> FindFunctionAsync(string? id, CancellationToken ct)
    {
        caller.RequireAdmin();
        return string.IsNullOrEmpty(id) ? null : await db.Set<PipelineFunction>().AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, ct);
    }

    public async Task<Page<PipelineFunction>> ListFunctionsAsync(int? page, int? limit, string? sortBy, CancellationToken ct)
    {
        caller.RequireAdmin();
        var query = db.Set<PipelineFunction>().AsNoTracking();
        var (skip, take) = Paging.Window(page, limit);
        var total = await query.CountAsync(ct);
        var list = await SortBy.Apply(query, sortBy, f => f.CreatedAt, f => f.UpdatedAt, f => f.Id).Skip(skip).Take(take).ToListAsync(ct);
        return new Page<PipelineFunction>(total, list);
    }

    private void Apply(PipelineFunction f, FunctionInput input, bool creating)
    {
        if (creating || input.Name is not null)
        {
            var name = input.Name?.Trim();
            if (string.IsNullOrEmpty(name) || name.Length > 128)
                throw Invalid("name is required (at most 128 characters)");
            f.Name = name;
        }
        if (creating || input.SourceCode is not null)
        {
            f.SourceCode = RequireScript(input.SourceCode, "pipe", "sourceCode");
        }
        if (input.Description is not null)
            f.Description = input.Description.Length > 1024 ? throw Invalid("description is at most 1024 characters") : input.Description;
        if (input.Url is not null)
            f.Url = input.Url.Length > 2048 ? throw Invalid("url is at most 2048 characters") : input.Url;
        if (input.Trigger is not null)
            f.Trigger = PipelineTriggers.All.Contains(input.Trigger) ? input.Trigger
                : throw Invalid("trigger must be one of " + string.Join(", ", PipelineTriggers.All));
        if (input.Order is { } order)
            f.Order = order;
        if (input.Enabled is { } enabled)
            f.Enabled = enabled;
        if (input.Timeout is { } timeout)
            f.TimeoutMs = timeout >= 0 && timeout <= Options.MaxTimeoutMs ? timeout
                : throw Invalid($"timeout is 0 (the default, {Options.DefaultTimeoutMs} ms) to {Options.MaxTimeoutMs} ms");
    }

    /// <summary>A script that parses and declares the function the runs call.</summary>
    private string RequireScript(string? source, string function, string field)
    {
        if (string.IsNullOrWhiteSpace(source) || source.Length > Options.MaxSourceLength)
            throw Invalid($"{field} is required (at most {Options.MaxSourceLength} characters)");
        if (!sandbox.TryPrepare(source, out var error))
            throw Invalid($"{field} does not parse: {error}");
        if (!sandbox.Declares(source, function))
            throw Invalid($"{field} must declare function {function}()");
        return source;
    }

    private static GenAuthException Invalid(string detail) => new(ErrorCodes.FunctionInvalid, detail: detail);

    // ---- environment variables -------------------------------------------------------------------------------------

    public async Task<IReadOnlyList<EnvView>> ListEnvAsync(CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        var rows = await db.Set<PipelineEnvVar>().AsNoTracking().OrderBy(e => e.CreatedAt).ThenBy(e => e.Key).ToListAsync(ct);
        return rows.Select(r => new EnvView(r.Key, directory.Unseal(pool.Id, r))).ToList();
    }

    /// <summary>Adds or replaces a variable; answers the pool's list.</summary>
    public async Task<IReadOnlyList<EnvView>> SetEnvAsync(string? key, string? value, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        if (string.IsNullOrEmpty(key) || !EnvKey().IsMatch(key))
            throw new GenAuthException(ErrorCodes.EnvInvalid, detail: "key must be letters, digits or _ (at most 128, not starting with a digit)");
        if (value is null || value.Length > Options.MaxEnvValueLength)
            throw new GenAuthException(ErrorCodes.EnvInvalid, detail: $"value is required (at most {Options.MaxEnvValueLength} characters)");
        var now = clock.GetUtcNow().UtcDateTime;
        var row = await db.Set<PipelineEnvVar>().FirstOrDefaultAsync(e => e.Key == key, ct);
        if (row is null)
        {
            if (await db.Set<PipelineEnvVar>().CountAsync(ct) >= Options.MaxEnvVars)
                throw new GenAuthException(ErrorCodes.TooManyFunctions);
            row = new PipelineEnvVar { UserPoolId = pool.Id, Key = key, SealedValue = [], CreatedAt = now };
            db.Set<PipelineEnvVar>().Add(row);
        }
        row.SealedValue = directory.Seal(pool.Id, key, value);
        row.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        directory.Forget(pool.Id);
        return await ListEnvAsync(ct);
    }

    /// <summary>Removes a variable (an unknown key changes nothing); answers the pool's list.</summary>
    public async Task<IReadOnlyList<EnvView>> RemoveEnvAsync(string? key, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        await db.Set<PipelineEnvVar>().Where(e => e.Key == key).ExecuteDeleteAsync(ct);
        directory.Forget(pool.Id);
        return await ListEnvAsync(ct);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}$")]
    private static partial Regex EnvKey();

    // ---- sandbox settings ------------------------------------------------------------------------------------------

    public async Task<PipelineSettingsView> GetSettingsAsync(CancellationToken ct)
    {
        caller.RequireAdmin();
        return View(await db.Set<PipelineSettings>().AsNoTracking().FirstOrDefaultAsync(ct));
    }

    public async Task<PipelineSettingsView> UpdateSettingsAsync(PipelineSettingsInput input, CancellationToken ct)
    {
        var pool = caller.RequireAdmin();
        var row = await db.Set<PipelineSettings>().FirstOrDefaultAsync(ct);
        if (row is null)
        {
            row = new PipelineSettings { UserPoolId = pool.Id };
            db.Set<PipelineSettings>().Add(row);
        }
        if (input.FetchAllowList is { } hosts)
        {
            var clean = hosts.Select(h => h.Trim().ToLowerInvariant()).Where(h => h.Length > 0).Distinct().ToList();
            if (clean.Count > 20 || clean.Any(h => Uri.CheckHostName(h) == UriHostNameType.Unknown || h.Length > 253))
                throw new GenAuthException(ErrorCodes.FunctionInvalid, detail: "fetchAllowList holds at most 20 host names");
            row.FetchAllowList = string.Join('\n', clean);
        }
        if (input.CustomDatabaseLoginScript is not null)
            row.CustomDatabaseLoginScript = input.CustomDatabaseLoginScript.Length == 0 ? null
                : RequireScript(input.CustomDatabaseLoginScript, "login", "customDatabaseLoginScript");
        if (input.CustomDatabaseGetUserScript is not null)
            row.CustomDatabaseGetUserScript = input.CustomDatabaseGetUserScript.Length == 0 ? null
                : RequireScript(input.CustomDatabaseGetUserScript, "getUser", "customDatabaseGetUserScript");
        if (input.CustomDatabaseEnabled is { } enabled)
            row.CustomDatabaseEnabled = enabled;
        if (row.CustomDatabaseEnabled && row.CustomDatabaseLoginScript is null)
            throw new GenAuthException(ErrorCodes.FunctionInvalid, detail: "the custom database needs a login script");
        row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        directory.Forget(pool.Id);
        return View(row);
    }

    private static PipelineSettingsView View(PipelineSettings? row) =>
        new(PipelineDirectory.FetchHosts(row?.FetchAllowList), row?.CustomDatabaseEnabled ?? false, row?.CustomDatabaseLoginScript,
            row?.CustomDatabaseGetUserScript);
}
