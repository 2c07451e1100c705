using GenAuth.Core.Callers;
using GenAuth.Core.Common;
using GenAuth.Core.Data;
using GenAuth.Core.Roles;
using Microsoft.EntityFrameworkCore;

namespace GenAuth.Core.Permissions;

/// <summary>What a create/update sends: null leaves a field unchanged on update.</summary>
public sealed record ResourceInput(ResourceType? Type, string? Description, IReadOnlyList<ResourceAction>? Actions, string? ApiIdentifier);

/// <summary>Declared resources of a namespace (DATA, API, MENU, UI, BUTTON) and their actions; admin only.</summary>
public sealed class ResourceService(GenAuthDbContext db, CallerContext caller, TimeProvider clock, Pools.PoolDirectory directory)
{
    public async Task<Resource> CreateAsync(string? ns, string code, ResourceInput input, CancellationToken ct)
    {
        caller.RequireAdmin();
        ns = Role.Ns(ns);
        if (string.IsNullOrWhiteSpace(code))
            throw new GenAuthException(ErrorCodes.BadRequest, detail: "code is required");
        if (await db.Resources.AnyAsync(r => r.Namespace == ns && r.Code == code, ct))
            throw new GenAuthException(ErrorCodes.ResourceCodeExists);
        var now = clock.GetUtcNow().UtcDateTime;
        var resource = new Resource
        {
            Id = Ids.New(), UserPoolId = caller.RequirePool().Id, Namespace = ns, Code = code, Type = input.Type ?? ResourceType.Data,
            Description = input.Description, Actions = Clean(input.Actions), ApiIdentifier = input.ApiIdentifier,
            CreatedAt = now, UpdatedAt = now,
        };
        db.Resources.Add(resource);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new GenAuthException(ErrorCodes.ResourceCodeExists);
        }
        // Note: an app's resources are its OAuth scopes (cached with the app).
        directory.ForgetApp(ns);
        return resource;
    }

    /// <summary>At most this many resources in one bulk creation.</summary>
    public const int MaxBulk = 200;

    /// <summary>Creates resources all or nothing: one code that exists (or repeats) creates none (2541).</summary>
    public async Task<List<Resource>> CreateManyAsync(IReadOnlyList<(string? Ns, string Code, ResourceInput Input)> items, CancellationToken ct)
    {
        caller.RequireAdmin();
        if (items.Count is 0 or > MaxBulk)
            throw new GenAuthException(ErrorCodes.BadRequest, detail: $"1 to {MaxBulk} resources");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var created = new List<Resource>();
        foreach (var (ns, code, input) in items)
            created.Add(await CreateAsync(ns, code, input, ct));
        await tx.CommitAsync(ct);
        return created;
    }

    public async Task<Resource> UpdateAsync(string? ns, string code, ResourceInput input, CancellationToken ct)
    {
        caller.RequireAdmin();
        var resource = await FindAsync(ns, code, tracked: true, ct);
        if (input.Type is { } type)
            resource.Type = type;
        if (input.Description is not null)
            resource.Description = input.Description;
        if (input.Actions is not null)
            resource.Actions = Clean(input.Actions);
        if (input.ApiIdentifier is not null)
            resource.ApiIdentifier = input.ApiIdentifier;
        resource.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        directory.ForgetApp(resource.Namespace);
        return resource;
    }

    public async Task DeleteAsync(string? ns, string code, CancellationToken ct)
    {
        caller.RequireAdmin();
        ns = Role.Ns(ns);
        if (await db.Resources.Where(r => r.Namespace == ns && r.Code == code).ExecuteDeleteAsync(ct) == 0)
            throw new GenAuthException(ErrorCodes.ResourceNotFound);
        directory.ForgetApp(ns);
    }

    public Task<Resource> GetAsync(string? ns, string code, CancellationToken ct)
    {
        caller.RequireAdmin();
        return FindAsync(ns, code, tracked: false, ct);
    }

    public async Task<Resource> GetByIdAsync(string id, CancellationToken ct)
    {
        caller.RequireAdmin();
        return await db.Resources.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct)
               ?? throw new GenAuthException(ErrorCodes.ResourceNotFound);
    }

    public async Task<Page<Resource>> ListAsync(string? ns, ResourceType? type, int page, int limit, CancellationToken ct)
    {
        caller.RequireAdmin();
        var query = db.Resources.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(ns))
            query = query.Where(r => r.Namespace == ns);
        if (type is not null)
            query = query.Where(r => r.Type == type);
        var (skip, take) = Paging.Window(page, limit);
        var total = await query.CountAsync(ct);
        var list = await query.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Skip(skip).Take(take).ToListAsync(ct);
        return new Page<Resource>(total, list);
    }

    private async Task<Resource> FindAsync(string? ns, string code, bool tracked, CancellationToken ct)
    {
        ns = Role.Ns(ns);
        var query = tracked ? db.Resources : db.Resources.AsNoTracking();
        return await query.FirstOrDefaultAsync(r => r.Namespace == ns && r.Code == code, ct)
               ?? throw new GenAuthException(ErrorCodes.ResourceNotFound);
    }

    private static List<ResourceAction> Clean(IReadOnlyList<ResourceAction>? actions) =>
        (actions ?? []).Where(a => !string.IsNullOrWhiteSpace(a.Name)).DistinctBy(a => a.Name)
            .Select(a => new ResourceAction { Name = a.Name, Description = a.Description }).ToList();
}
