using GenAuth.Core.CustomFields;
using GenAuth.Core.Users;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.CustomFields;

/// <summary>User.customData: the user's custom field values, loaded in one batch for every user of the level.</summary>
public sealed class UserCustomDataFields : IUserFields
{
    public void Register(ObjectGraphType<UserView> user) =>
        // Note: a user has a handful of custom values, not the analyzer's default 20 per list.
        user.Field<ListGraphType<UserCustomDataType>>("customData").WithComplexityImpact(1, 5)
            .Description("The user's custom field values (batched per request: one load for a whole page of users).")
            .Resolve(c =>
            {
                var service = c.Service<CustomFieldService>();
                return c.Loaders().Get<string, IReadOnlyList<CustomDataView>>("user-custom-data", (ids, ct) => LoadAsync(service, ids, ct))
                    .Load(c.Source.User.Id).Then(l => l ?? []);
            });

    private static async Task<IDictionary<string, IReadOnlyList<CustomDataView>>> LoadAsync(CustomFieldService service,
        IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        var found = new Dictionary<string, IReadOnlyList<CustomDataView>>(StringComparer.Ordinal);
        foreach (var (id, values) in await service.LoadAsync("USER", userIds.ToList(), ct))
            found[id] = values;
        return found;
    }
}

/// <summary>A custom field value of the user (GenAuth's UserCustomData), label in the caller's language.</summary>
public sealed class UserCustomDataType : ObjectGraphType<CustomDataView>
{
    public UserCustomDataType()
    {
        Name = "UserCustomData";
        Field<NonNullGraphType<StringGraphType>>("key").Resolve(c => c.Source.Key);
        Field<NonNullGraphType<UdfDataTypeEnum>>("dataType").Resolve(c => c.Source.DataType);
        Field<NonNullGraphType<StringGraphType>>("value").Resolve(c => c.Source.Value);
        Field<StringGraphType>("label").Resolve(c => c.Source.Label);
    }
}
