using GenAuth.Core.Profile;
using GraphQL.Types;

namespace GenAuth.GraphQL.Profile;

public sealed class SecurityLevelType : ObjectGraphType<SecurityLevel>
{
    public SecurityLevelType()
    {
        Name = "SecurityLevel";
        Description = "How well the signed-in account is protected (score 0-100).";
        Field<NonNullGraphType<IntGraphType>>("score").Resolve(c => c.Source.Score);
        Field<NonNullGraphType<BooleanGraphType>>("email").Resolve(c => c.Source.Email);
        Field<NonNullGraphType<BooleanGraphType>>("phone").Resolve(c => c.Source.Phone);
        Field<NonNullGraphType<BooleanGraphType>>("password").Resolve(c => c.Source.Password);
        Field<IntGraphType>("passwordSecurityLevel").Description("1 low, 2 middle, 3 high; null when never measured.")
            .Resolve(c => c.Source.PasswordSecurityLevel);
        Field<NonNullGraphType<BooleanGraphType>>("mfa").Resolve(c => c.Source.Mfa);
    }
}

public sealed class UploadedFileType : ObjectGraphType<UploadedFile>
{
    public UploadedFileType()
    {
        Name = "UploadedFile";
        Field<NonNullGraphType<StringGraphType>>("key").Resolve(c => c.Source.Key);
        Field<NonNullGraphType<StringGraphType>>("url").Resolve(c => c.Source.Url);
    }
}
