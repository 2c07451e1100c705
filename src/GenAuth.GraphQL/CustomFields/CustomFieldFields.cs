using GenAuth.Core.CustomFields;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.CustomFields;

/// <summary>udf / udv queries (SDK: UdfDocument, UdvDocument, UdfValueBatchDocument).</summary>
public sealed class CustomFieldQueries : IQueryFields
{
    public void Register(ObjectGraphType q)
    {
        q.Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserDefinedFieldType>>>>("udf")
            .Description("The custom fields defined for a target type.")
            .Argument<NonNullGraphType<UdfTargetTypeEnum>>("targetType")
            .AdminOnly()
            .ResolveAsync(async c => await c.Service<CustomFieldService>().ListFieldsAsync(c.GetArgument<string>("targetType"), c.CancellationToken));
        q.Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserDefinedDataType>>>>("udv")
            .Description("The custom field values of one target (a user may read their own).")
            .Argument<NonNullGraphType<UdfTargetTypeEnum>>("targetType")
            .Argument<NonNullGraphType<StringGraphType>>("targetId")
            .AdminOrSelfAccess()
            .ResolveAsync(async c => await c.Service<CustomFieldService>().GetValuesAsync(
                c.GetArgument<string>("targetType"), c.GetArgument<string>("targetId"), c.CancellationToken));
        q.Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserDefinedDataMapType>>>>("udfValueBatch")
            .Description("The custom field values of many targets.")
            .Argument<NonNullGraphType<UdfTargetTypeEnum>>("targetType")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("targetIds")
            .AdminOnly()
            .ResolveAsync(async c =>
            {
                var values = await c.Service<CustomFieldService>().GetValuesBatchAsync(c.GetArgument<string>("targetType"),
                    c.GetArgument<List<string>>("targetIds"), c.CancellationToken);
                return values.Select(kv => new CustomDataMap(kv.Key, kv.Value)).ToList();
            });
    }
}

/// <summary>setUdf, removeUdf, setUdv, setUdvBatch, removeUdv, setUdfValueBatch (SDK names and arguments).</summary>
public sealed class CustomFieldMutations : IMutationFields
{
    public void Register(ObjectGraphType m)
    {
        m.Field<NonNullGraphType<UserDefinedFieldType>>("setUdf")
            .Description("Creates or updates a custom field. options: SELECT choices as a JSON array, or {\"unique\": true, \"labels\": {...}}.")
            .Argument<NonNullGraphType<UdfTargetTypeEnum>>("targetType")
            .Argument<NonNullGraphType<StringGraphType>>("key")
            .Argument<NonNullGraphType<UdfDataTypeEnum>>("dataType")
            .Argument<NonNullGraphType<StringGraphType>>("label")
            .Argument<StringGraphType>("options")
            .Argument<BooleanGraphType>("unique", "Values must be unique in the pool (STRING and NUMBER).")
            .Argument<ListGraphType<NonNullGraphType<UdfLabelInputType>>>("labels", "Display names per language: zh-CN, en-US, zh-TW, ja-JP.")
            .Argument<BooleanGraphType>("userEditable",
                "Users may set and remove their own value of this USER field (setUdv on themselves). Off for a new field; left out keeps it.")
            .AdminOnly()
            .ResolveAsync(async c =>
            {
                var labels = c.GetArgument<List<UdfLabelInput>?>("labels")?.ToDictionary(l => l.Lang, l => l.Label);
                return await c.Service<CustomFieldService>().SetFieldAsync(new CustomFieldInput(c.GetArgument<string>("targetType"),
                    c.GetArgument<string>("key"), c.GetArgument<string>("dataType"), c.GetArgument<string>("label"),
                    c.GetArgument<string?>("options"), c.GetArgument<bool?>("unique"), labels, c.GetArgument<bool?>("userEditable")),
                    c.CancellationToken);
            });
        m.Field<CommonMessageType>("removeUdf")
            .Description("Deletes a custom field definition and every value of it.")
            .Argument<NonNullGraphType<UdfTargetTypeEnum>>("targetType")
            .Argument<NonNullGraphType<StringGraphType>>("key")
            .AdminOnly()
            .ResolveAsync(async c =>
            {
                await c.Service<CustomFieldService>().RemoveFieldAsync(c.GetArgument<string>("targetType"), c.GetArgument<string>("key"), c.CancellationToken);
                return new CommonMessage(200, "ok");
            });
        m.Field<ListGraphType<NonNullGraphType<UserDefinedDataType>>>("setUdv")
            .Description("Sets one value (JSON-encoded, as the SDK sends it); a user may set their own value of a userEditable field.")
            .Argument<NonNullGraphType<UdfTargetTypeEnum>>("targetType")
            .Argument<NonNullGraphType<StringGraphType>>("targetId")
            .Argument<NonNullGraphType<StringGraphType>>("key")
            .Argument<NonNullGraphType<StringGraphType>>("value")
            .AdminOrSelfAccess()
            .ResolveAsync(async c => await c.Service<CustomFieldService>().SetValuesAsync(c.GetArgument<string>("targetType"),
                c.GetArgument<string>("targetId"), [new(c.GetArgument<string>("key"), c.GetArgument<string>("value"))], c.CancellationToken));
        m.Field<ListGraphType<NonNullGraphType<UserDefinedDataType>>>("setUdvBatch")
            .Description("Sets several values of one target; all are checked before any is written.")
            .Argument<NonNullGraphType<UdfTargetTypeEnum>>("targetType")
            .Argument<NonNullGraphType<StringGraphType>>("targetId")
            .Argument<ListGraphType<NonNullGraphType<UserDefinedDataInputType>>>("udvList")
            .AdminOrSelfAccess()
            .ResolveAsync(async c =>
            {
                var list = (c.GetArgument<List<UserDefinedDataInput>?>("udvList") ?? [])
                    .Select(d => new KeyValuePair<string, string?>(d.Key, d.Value)).ToList();
                return await c.Service<CustomFieldService>().SetValuesAsync(c.GetArgument<string>("targetType"),
                    c.GetArgument<string>("targetId"), list, c.CancellationToken);
            });
        m.Field<ListGraphType<NonNullGraphType<UserDefinedDataType>>>("removeUdv")
            .Description("Removes one custom field value of a target; answers the values left (a user may remove their own).")
            .Argument<NonNullGraphType<UdfTargetTypeEnum>>("targetType")
            .Argument<NonNullGraphType<StringGraphType>>("targetId")
            .Argument<NonNullGraphType<StringGraphType>>("key")
            .AdminOrSelfAccess()
            .ResolveAsync(async c => await c.Service<CustomFieldService>().RemoveValueAsync(c.GetArgument<string>("targetType"),
                c.GetArgument<string>("targetId"), c.GetArgument<string>("key"), c.CancellationToken));
        m.Field<CommonMessageType>("setUdfValueBatch")
            .Description("Sets values of many targets at once; all are checked before any is written.")
            .Argument<NonNullGraphType<UdfTargetTypeEnum>>("targetType")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<SetUdfValueBatchInputType>>>>("input")
            .AdminOnly()
            .ResolveAsync(async c =>
            {
                var input = c.GetArgument<List<SetUdfValueBatchInput>>("input").Select(d => (d.TargetId, d.Key, (string?)d.Value)).ToList();
                await c.Service<CustomFieldService>().SetValuesBatchAsync(c.GetArgument<string>("targetType"), input, c.CancellationToken);
                return new CommonMessage(200, "ok");
            });
    }
}
