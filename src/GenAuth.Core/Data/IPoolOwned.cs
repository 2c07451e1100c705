namespace GenAuth.Core.Data;

/// <summary>A row that belongs to one user pool: the context filters every such set by the caller's pool.</summary>
public interface IPoolOwned
{
    string UserPoolId { get; }
}
