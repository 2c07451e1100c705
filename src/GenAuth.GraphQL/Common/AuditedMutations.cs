using GenAuth.Core.Audit;
using GenAuth.Core.Callers;
using GenAuth.Core.Users;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Resolvers;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.GraphQL.Common;

/// <summary>
/// Every admin mutation leaves one event: the mutation's name (GenAuth's name where it has one), the target, and the
/// names of the arguments and input fields it was given, never their values. The event joins the resolver's first
/// SaveChanges (so it commits with the change); one the resolver never saved is saved after it; one whose resolver
/// failed is dropped.
/// </summary>
public sealed class AuditedMutationResolver(IFieldResolver inner, string name) : IFieldResolver
{
    public async ValueTask<object?> ResolveAsync(IResolveFieldContext context)
    {
        if (context.RequestServices?.GetService<CallerContext>() is not { Kind: PrincipalKind.Admin, Pool: not null })
            return await inner.ResolveAsync(context);
        var audit = context.RequestServices.GetRequiredService<AuditTrail>();
        var (userId, target) = Target(context);
        var e = audit.Record(TypeOf(name, context), userId, new { mutation = name, fields = FieldNames(context) }, target: target);
        object? result;
        try
        {
            result = await inner.ResolveAsync(context);
        }
        catch
        {
            if (e is not null)
                audit.Discard(e);
            throw;
        }
        if (e is not null)
        {
            // A created user is known only from the answer (createUser).
            if (e.UserId is null && name == "createUser" && result is UserView { User.Id: var created })
                e.UserId = created;
            await audit.EnsureSavedAsync(e, context.CancellationToken);
        }
        return result;
    }

    /// <summary>GenAuth's admin action names (SupportedAdminActionEnum) where a mutation is one of them.</summary>
    internal static string TypeOf(string mutation, IResolveFieldContext context) => mutation switch
    {
        "updateUserpool" => AuditEventTypes.UserpoolUpdateConfig,
        "refreshApplicationSecret" => AuditEventTypes.RefreshSecret,
        "updateUser" when Input(context, "input") is { } input && input.FirstOrDefault(f => f.Name == "blocked").Value is bool b =>
            b ? AuditEventTypes.BlockUser : AuditEventTypes.UnblockUser,
        _ => mutation,
    };

    private static List<(string Name, object? Value)>? Input(IResolveFieldContext context, string argument) =>
        context.Arguments?.TryGetValue(argument, out var value) == true ? Fields(value.Value) : null;

    /// <summary>
    /// The fields given in an input object: a dictionary's entries, or a parsed input record's properties that are set
    /// (an <see cref="IOptional"/> that IsSet, or a non-null value). Null for a scalar or list.
    /// </summary>
    private static List<(string Name, object? Value)>? Fields(object? value)
    {
        switch (value)
        {
            case null or string or System.Collections.IEnumerable and not IDictionary<string, object?>:
                return null;
            case IDictionary<string, object?> dict:
                return dict.Select(kv => (kv.Key, kv.Value)).ToList();
        }
        var type = value.GetType();
        if (type.IsPrimitive || type.IsEnum || type == typeof(decimal) || type == typeof(DateTime))
            return null;
        var fields = new List<(string, object?)>();
        foreach (var p in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0 || p.Name == "EqualityContract")
                continue;
            var v = p.GetValue(value);
            if (v is IOptional o)
            {
                if (!o.IsSet)
                    continue;
                v = o.BoxedValue;
            }
            else if (v is null)
            {
                continue;
            }
            fields.Add((char.ToLowerInvariant(p.Name[0]) + p.Name[1..], v));
        }
        return fields;
    }

    /// <summary>The user acted on (an id or userId argument of a user mutation), else the first id-like argument as name:value.</summary>
    private (string? UserId, string? Target) Target(IResolveFieldContext context)
    {
        if (context.Arguments is not { } args)
            return (null, null);
        foreach (var key in new[] { "userId", "id", "code", "appId", "key" })
        {
            if (!args.TryGetValue(key, out var v) || v.Value is not string s || s.Length is 0 or > 128)
                continue;
            return key == "userId" || (key == "id" && name.Contains("User", StringComparison.Ordinal)) ? (s, null) : (null, key + ":" + s);
        }
        return (null, null);
    }

    /// <summary>The names given: arguments, and for an input object its fields (one level). Names only.</summary>
    internal static List<string> FieldNames(IResolveFieldContext context)
    {
        var names = new List<string>();
        if (context.Arguments is not { } args)
            return names;
        foreach (var (key, value) in args)
        {
            if (value.Source == ArgumentSource.FieldDefault || value.Value is null)
                continue;
            if (Fields(value.Value) is { } input)
                names.AddRange(input.Select(f => f.Name).Take(50));
            else
                names.Add(key);
        }
        return names;
    }
}
