using System.Reflection;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Common;

/// <summary>
/// A field of a partial input: absent (<see cref="IsSet"/> false) differs from an explicit null. Only the inputs that
/// feed Core's "fields supplied" model (ProfileInput) use it; every other input is a plain record.
/// </summary>
public readonly struct Optional<T> : IOptional
{
    public Optional(T value)
    {
        IsSet = true;
        Value = value;
    }

    public bool IsSet { get; }

    public T Value { get; }

    object? IOptional.BoxedValue => Value;

    public override string ToString() => IsSet ? $"{Value}" : "(absent)";
}

/// <summary>An <see cref="Optional{T}"/> whatever its T (for the code that turns a partial input into Core's model).</summary>
public interface IOptional
{
    bool IsSet { get; }

    object? BoxedValue { get; }
}

/// <summary>
/// The one input graph type where absent differs from null: every field must be declared with
/// <c>Field(x => x.Prop, typeof(SomeGraphType))</c> on an <see cref="Optional{T}"/> property; a supplied field (null
/// or not) becomes a set Optional, a left-out one stays unset.
/// </summary>
public abstract class PartialInputObjectGraphType<T> : InputObjectGraphType<T> where T : class, new()
{
    // Note: GraphQL.NET's (internal) metadata key naming the property of a Field(x => x.Prop) field; Initialize
    // below fails at startup should a library update rename it.
    private const string PropertyKey = "ORIGINAL_EXPRESSION_PROPERTY_NAME";

    /// <summary>The field-level parser of <c>Field(x => x.Prop)</c> would convert to Optional itself; ParseDictionary does.</summary>
    public override FieldType AddField(FieldType fieldType)
    {
        fieldType.Parser = null;
        return base.AddField(fieldType);
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        var result = new T();
        foreach (var field in Fields)
        {
            if (!value.TryGetValue(field.Name, out var supplied))
                continue;
            var property = PropertyOf(field);
            var inner = property.PropertyType.GetGenericArguments()[0];
            var converted = supplied is null ? null : supplied.GetPropertyValue(inner, field.ResolvedType!);
            property.SetValue(result, Activator.CreateInstance(property.PropertyType, converted));
        }
        return result;
    }

    public override void Initialize(ISchema schema)
    {
        base.Initialize(schema);
        // Note: fail at startup, not at the first request, when a field isn't bound to an Optional property.
        foreach (var field in Fields)
            PropertyOf(field);
    }

    private PropertyInfo PropertyOf(FieldType field)
    {
        var name = field.GetMetadata<string?>(PropertyKey)
                   ?? throw new InvalidOperationException($"{Name}.{field.Name} must be declared with Field(x => x.Property, type).");
        var property = typeof(T).GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
        if (property is null || !property.PropertyType.IsGenericType || property.PropertyType.GetGenericTypeDefinition() != typeof(Optional<>))
            throw new InvalidOperationException($"{Name}.{field.Name} must be bound to an Optional<T> property of {typeof(T).Name}.");
        return property;
    }
}
