using GenAuth.Core.Data;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace GenAuth.Server.Oidc;

/// <summary>
/// An OIDC request with a parameter holding U+0000 or an unpaired surrogate is refused as invalid_request before any
/// lookup: PostgreSQL can't take such text (the lookup answered 500 there, and "not found" on SQLite), and the
/// database's own refusal (2608, <see cref="StoredText"/>) is not the RFC error a client expects here.
/// </summary>
public sealed class UnstorableParameterHandler<TContext> : IOpenIddictServerHandler<TContext>
    where TContext : OpenIddictServerEvents.BaseValidatingContext
{
    public ValueTask HandleAsync(TContext context)
    {
        if (context.Transaction.Request is not { } request)
            return ValueTask.CompletedTask;
        foreach (var (name, value) in request.GetParameters())
        {
            // Note: ToString() joins an array's values, so one check covers single and repeated parameters.
            if (StoredText.IsUnstorable(name) || StoredText.IsUnstorable(value.ToString()))
            {
                context.Reject(Errors.InvalidRequest, $"The '{(StoredText.IsUnstorable(name) ? "?" : name)}' parameter holds a character that is not allowed.");
                break;
            }
        }
        return ValueTask.CompletedTask;
    }
}
