using GenAuth.Core.CustomFields;
using GenAuth.GraphQL.Common;
using GraphQL.Types;

namespace GenAuth.GraphQL.CustomFields;

public sealed class UdfTargetTypeEnum : EnumerationGraphType
{
    public UdfTargetTypeEnum()
    {
        Name = "UDFTargetType";
        foreach (var t in CustomFieldTypes.TargetTypes)
            Add(t, t);
    }
}

public sealed class UdfDataTypeEnum : EnumerationGraphType
{
    public UdfDataTypeEnum()
    {
        Name = "UDFDataType";
        foreach (var t in CustomFieldTypes.DataTypes)
            Add(t, t);
    }
}

public sealed class UserDefinedFieldType : ObjectGraphType<CustomField>
{
    public UserDefinedFieldType()
    {
        Name = "UserDefinedField";
        Field<NonNullGraphType<UdfTargetTypeEnum>>("targetType").Resolve(c => c.Source.TargetType);
        Field<NonNullGraphType<UdfDataTypeEnum>>("dataType").Resolve(c => c.Source.DataType);
        Field<NonNullGraphType<StringGraphType>>("key").Resolve(c => c.Source.Key);
        Field<StringGraphType>("label").Description("The display name in the caller's language, else the default one.")
            .Resolve(c => CustomFieldService.LabelFor(c.Source, c.Caller().Lang));
        Field<StringGraphType>("options").Resolve(c => c.Source.Options);
        Field<BooleanGraphType>("unique").Description("Values are unique in the pool (enforced by the database).").Resolve(c => c.Source.Unique);
        Field<NonNullGraphType<BooleanGraphType>>("userEditable")
            .Description("Users may set and remove their own value (setUdv on themselves); admins always can.").Resolve(c => c.Source.UserEditable);
        Field<ListGraphType<NonNullGraphType<UdfLabelType>>>("labels").Description("Display names per language (zh-CN, en-US, zh-TW, ja-JP).")
            .Resolve(c => CustomFieldService.Labels(c.Source).Select(kv => new UdfLabel(kv.Key, kv.Value)));
    }
}

public sealed record UdfLabel(string Lang, string Label);

public sealed class UdfLabelType : ObjectGraphType<UdfLabel>
{
    public UdfLabelType()
    {
        Name = "UDFLabel";
        Field<NonNullGraphType<StringGraphType>>("lang").Resolve(c => c.Source.Lang);
        Field<NonNullGraphType<StringGraphType>>("label").Resolve(c => c.Source.Label);
    }
}

public sealed record UdfLabelInput(string Lang, string Label);

public sealed class UdfLabelInputType : InputObjectGraphType<UdfLabelInput>
{
    public UdfLabelInputType()
    {
        Name = "UDFLabelInput";
        Field(x => x.Lang, typeof(NonNullGraphType<StringGraphType>)).Description("The language: zh-CN, en-US, zh-TW or ja-JP.");
        Field(x => x.Label, typeof(NonNullGraphType<StringGraphType>)).Description("The display name in that language.");
    }
}

public sealed class UserDefinedDataType : ObjectGraphType<CustomDataView>
{
    public UserDefinedDataType()
    {
        Name = "UserDefinedData";
        Field<NonNullGraphType<StringGraphType>>("key").Resolve(c => c.Source.Key);
        Field<NonNullGraphType<UdfDataTypeEnum>>("dataType").Resolve(c => c.Source.DataType);
        Field<NonNullGraphType<StringGraphType>>("value").Resolve(c => c.Source.Value);
        Field<StringGraphType>("label").Resolve(c => c.Source.Label);
    }
}

public sealed record CustomDataMap(string TargetId, IReadOnlyList<CustomDataView> Data);

public sealed class UserDefinedDataMapType : ObjectGraphType<CustomDataMap>
{
    public UserDefinedDataMapType()
    {
        Name = "UserDefinedDataMap";
        Field<NonNullGraphType<StringGraphType>>("targetId").Resolve(c => c.Source.TargetId);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserDefinedDataType>>>>("data").Resolve(c => c.Source.Data);
    }
}

public sealed record UserDefinedDataInput(string Key, string? Value);

public sealed class UserDefinedDataInputType : InputObjectGraphType<UserDefinedDataInput>
{
    public UserDefinedDataInputType()
    {
        Name = "UserDefinedDataInput";
        Field(x => x.Key, typeof(NonNullGraphType<StringGraphType>)).Description("The custom field's key.");
        Field(x => x.Value, typeof(StringGraphType)).Description("The value, JSON-encoded as the SDKs send it (a string keeps its JSON quotes).");
    }
}

public sealed record SetUdfValueBatchInput(string TargetId, string Key, string Value);

public sealed class SetUdfValueBatchInputType : InputObjectGraphType<SetUdfValueBatchInput>
{
    public SetUdfValueBatchInputType()
    {
        Name = "SetUdfValueBatchInput";
        Field(x => x.TargetId, typeof(NonNullGraphType<StringGraphType>)).Description("The target's id (a user id for USER).");
        Field(x => x.Key, typeof(NonNullGraphType<StringGraphType>)).Description("The custom field's key.");
        Field(x => x.Value, typeof(NonNullGraphType<StringGraphType>)).Description("The value, JSON-encoded as the SDKs send it.");
    }
}
