using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Common;

/// <summary>GenAuth's { code, message } answer of mutations that return no object.</summary>
public sealed record CommonMessage(int Code, string Message);

public sealed class CommonMessageType : ObjectGraphType<CommonMessage>
{
    public CommonMessageType()
    {
        Name = "CommonMessage";
        Field<StringGraphType>("message").Resolve(c => c.Source.Message);
        Field<IntGraphType>("code").Resolve(c => c.Source.Code);
    }
}

/// <summary>GenAuth's { code: 200, message } answers, in the caller's language.</summary>
public static class Messages
{
    public static CommonMessage Ok(IResolveFieldContext c, string zh, string en) => new(200, c.IsEnglish() ? en : zh);
}
