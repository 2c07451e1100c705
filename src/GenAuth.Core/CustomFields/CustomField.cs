using GenAuth.Core.Data;

namespace GenAuth.Core.CustomFields;

/// <summary>A custom field definition (GenAuth's UserDefinedField) for one target type of a pool.</summary>
public sealed class CustomField : IPoolOwned
{
    public long Id { get; set; }
    public required string UserPoolId { get; set; }

    /// <summary>USER, ROLE, GROUP, NODE, ORG, ... (UDFTargetType).</summary>
    public required string TargetType { get; set; }
    public required string Key { get; set; }

    /// <summary>STRING, NUMBER, DATETIME, BOOLEAN, OBJECT or SELECT (UDFDataType).</summary>
    public required string DataType { get; set; }

    /// <summary>The default display name, used when the caller's language has none of its own.</summary>
    public required string Label { get; set; }

    /// <summary>Display names per language as JSON ({"zh-CN": "...", "en-US": "...", "zh-TW": "...", "ja-JP": "..."}).</summary>
    public string? LabelsJson { get; set; }

    /// <summary>The options string as the admin sent it (e.g. the choices of a SELECT field).</summary>
    public string? Options { get; set; }

    /// <summary>Values must be unique in the pool (STRING and NUMBER only); enforced by a unique index.</summary>
    public bool Unique { get; set; }

    /// <summary>
    /// The user may set or remove their own value (setUdv, setUdvBatch, removeUdv on themselves). Off unless the admin
    /// turns it on, so a field such as "salary" can't be edited by the person it describes. Admins can always write.
    /// </summary>
    public bool UserEditable { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>One value of a custom field for one target (user, role, group, node...).</summary>
public sealed class CustomFieldValue : IPoolOwned
{
    public long Id { get; set; }
    public required string UserPoolId { get; set; }
    public required string TargetType { get; set; }
    public required string TargetId { get; set; }
    public required string Key { get; set; }

    /// <summary>The value in its canonical text form for the field's type.</summary>
    public required string Value { get; set; }

    /// <summary>The value again when the field is unique, else null: a unique index over it enforces uniqueness.</summary>
    public string? UniqueValue { get; set; }

    public DateTime UpdatedAt { get; set; }
}

public static class CustomFieldTypes
{
    public static readonly string[] DataTypes = ["STRING", "NUMBER", "DATETIME", "BOOLEAN", "OBJECT", "SELECT"];
    public static readonly string[] TargetTypes = ["NODE", "ORG", "USER", "USERPOOL", "ROLE", "PERMISSION", "APPLICATION", "GROUP"];
    public static readonly string[] Languages = ["zh-CN", "en-US", "zh-TW", "ja-JP"];
}
