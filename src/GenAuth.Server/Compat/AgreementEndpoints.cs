using System.Globalization;
using GenAuth.Core.Applications;
using GenAuth.Core.Common;

namespace GenAuth.Server.Compat;

/// <summary>The SDK's applications.agreements (AgreementManagementClient): an app's registration agreements, admin only.</summary>
public static class AgreementEndpoints
{
    public sealed record AgreementBody(string? Title, bool? Required, string? Lang);

    public sealed record SortBody(List<long>? Ids);

    public static IEndpointRouteBuilder MapGenAuthAgreementApi(this IEndpointRouteBuilder app)
    {
        var agreements = app.MapGroup("/api/v2/applications/" + ManagementEndpoints.Id + "/agreements");
        agreements.MapGet("", static (HttpContext http, string id, AgreementService service, CancellationToken ct) =>
            AdminAsync(http, async () =>
            {
                var page = await service.ListAsync(id, ct);
                return new { list = page.List.Select(Json), totalCount = page.TotalCount };
            }));
        agreements.MapPost("", static (HttpContext http, string id, RestBody<AgreementBody> body, AgreementService service,
            CancellationToken ct) => AdminAsync(http, async () =>
        {
            var b = body.Value;
            return Json(await service.CreateAsync(id, new AgreementInput(b.Title, b.Required, b.Lang), ct));
        }));
        // Literal before the id template (routing prefers it anyway): POST …/sort { ids: [all ids in order] }.
        agreements.MapPost("/sort", static (HttpContext http, string id, RestBody<SortBody> body, AgreementService service,
            CancellationToken ct) => AdminAsync(http, async () =>
        {
            await service.SortAsync(id, body.Value.Ids, ct);
            return true;
        }));
        agreements.MapPut("/{agreementId}", static (HttpContext http, string id, string agreementId, RestBody<AgreementBody> body,
            AgreementService service, CancellationToken ct) => AdminAsync(http, async () =>
        {
            var b = body.Value;
            return Json(await service.UpdateAsync(id, AgreementId(agreementId), new AgreementInput(b.Title, b.Required, b.Lang), ct));
        }));
        agreements.MapDelete("/{agreementId}", static (HttpContext http, string id, string agreementId, AgreementService service,
            CancellationToken ct) => AdminAsync(http, async () =>
        {
            await service.DeleteAsync(id, AgreementId(agreementId), ct);
            return true;
        }));
        return app;
    }

    // Note: the caller first, so a body or path id that can't be read tells an outsider nothing (403/2020 before 400).
    private static Task<Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<RestEnvelope>> AdminAsync(HttpContext http,
        Func<Task<object?>> action) =>
        Rest.RunAsync(http, caller =>
        {
            caller.RequireAdmin();
            return action();
        });

    // Note: a path id that is no number answers the not-found code in the envelope (the SDK's ids are numbers).
    private static long AgreementId(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new GenAuthException(ErrorCodes.AgreementNotFound, detail: "agreement ids are numbers");

    private static object Json(Agreement a) => new
    {
        id = a.Id, appId = a.AppId, userPoolId = a.UserPoolId, title = a.Title, required = a.Required, lang = a.Lang, order = a.Order,
        createdAt = IsoTime.Format(a.CreatedAt), updatedAt = IsoTime.Format(a.UpdatedAt),
    };
}
