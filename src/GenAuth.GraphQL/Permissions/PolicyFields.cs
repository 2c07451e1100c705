using System.Collections;
using System.Globalization;
using GenAuth.Core.Common;
using GenAuth.Core.Permissions;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;
using GraphQLParser.AST;

namespace GenAuth.GraphQL.Permissions;

/// <summary>
/// GenAuth's `Object` scalar, used for a condition's value: a string, number, boolean or list of them; read as text (a
/// list is joined with commas, so ["10.0.0.0/8", "192.168.0.0/16"] and "10.0.0.0/8,192.168.0.0/16" are the same).
/// </summary>
public sealed class ObjectScalar : ScalarGraphType
{
    public ObjectScalar()
    {
        Name = "Object";
        Description = "A condition value: a string, number, boolean or a list of them (read as comma-separated text).";
    }

    public override object? ParseValue(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        IDictionary => ThrowValueConversionError(value),
        IEnumerable list => string.Join(',', list.Cast<object?>().Select(x => ParseValue(x))),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    public override object? ParseLiteral(GraphQLValue value) => value switch
    {
        GraphQLNullValue => null,
        GraphQLStringValue s => (string)s.Value,
        GraphQLIntValue i => (string)i.Value,
        GraphQLFloatValue f => (string)f.Value,
        GraphQLBooleanValue b => b.BoolValue ? "true" : "false",
        GraphQLListValue l => string.Join(',', (l.Values ?? []).Select(v => ParseLiteral(v))),
        _ => ThrowLiteralConversionError(value),
    };

    public override object? Serialize(object? value) => value;
}

public sealed class PolicyEffectEnum : EnumerationGraphType
{
    public PolicyEffectEnum()
    {
        Name = "PolicyEffect";
        Add("ALLOW", PolicyEffect.Allow, "The statement allows its actions.");
        Add("DENY", PolicyEffect.Deny, "The statement denies its actions; a DENY wins over any ALLOW.");
    }
}

public sealed class PolicyStatementConditionType : ObjectGraphType<PolicyCondition>
{
    public PolicyStatementConditionType()
    {
        Name = "PolicyStatementCondition";
        Field<NonNullGraphType<StringGraphType>>("param").Resolve(c => c.Source.Param);
        Field<NonNullGraphType<StringGraphType>>("operator").Resolve(c => c.Source.Operator);
        Field<NonNullGraphType<ObjectScalar>>("value").Resolve(c => c.Source.Value);
    }
}

public sealed class PolicyStatementType : ObjectGraphType<PolicyStatement>
{
    public PolicyStatementType()
    {
        Name = "PolicyStatement";
        Field<NonNullGraphType<StringGraphType>>("resource").Resolve(c => c.Source.Resource);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("actions").Resolve(c => c.Source.Actions);
        Field<PolicyEffectEnum>("effect").Resolve(c => c.Source.Effect);
        Field<ListGraphType<NonNullGraphType<PolicyStatementConditionType>>>("condition").Resolve(c => c.Source.Condition);
    }
}

public sealed class PolicyAssignmentType : ObjectGraphType<PolicyAssignmentView>
{
    public PolicyAssignmentType()
    {
        Name = "PolicyAssignment";
        Field<NonNullGraphType<StringGraphType>>("code").Resolve(c => c.Source.Code);
        Field<NonNullGraphType<PolicyAssignmentTargetTypeEnum>>("targetType").Resolve(c => c.Source.TargetType);
        Field<NonNullGraphType<StringGraphType>>("targetIdentifier").Resolve(c => c.Source.TargetIdentifier);
        Field<NonNullGraphType<BooleanGraphType>>("enabled").Description("False after disbalePolicyAssignment: the assignment takes no part.").Resolve(c => c.Source.Enabled);
        Field<NonNullGraphType<BooleanGraphType>>("inheritByChildren").Description("For org nodes: whether members of child nodes get the policy too.")
            .Resolve(c => c.Source.InheritByChildren);
    }
}

public sealed class PolicyGraphType : ObjectGraphType<PolicyView>
{
    public PolicyGraphType()
    {
        Name = "Policy";
        Description = "A named set of ALLOW/DENY statements of a namespace, assigned to users, roles, groups and org nodes.";
        Field<NonNullGraphType<StringGraphType>>("namespace").Resolve(c => c.Source.Policy.Namespace);
        Field<NonNullGraphType<StringGraphType>>("code").Resolve(c => c.Source.Policy.Code);
        Field<NonNullGraphType<BooleanGraphType>>("isDefault").Resolve(c => c.Source.Policy.IsDefault);
        Field<StringGraphType>("description").Resolve(c => c.Source.Policy.Description);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<PolicyStatementType>>>>("statements").Resolve(c => c.Source.Policy.Statements);
        Field<StringGraphType>("createdAt").Resolve(c => c.Source.Policy.CreatedAt.Iso());
        Field<StringGraphType>("updatedAt").Resolve(c => c.Source.Policy.UpdatedAt.Iso());
        Field<NonNullGraphType<IntGraphType>>("assignmentsCount").Resolve(c => c.Source.AssignmentsCount);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<PolicyAssignmentType>>>>("assignments")
            .Description("The policy's assignments (the first 200).")
            .ResolveAsync(async c => (await c.Service<PolicyService>().AssignmentsAsync(c.Source.Policy.Namespace, c.Source.Policy.Code, null, null, 1,
                Paging.MaxLimit, c.CancellationToken)).List);
    }
}

public sealed class PaginatedPoliciesType : ObjectGraphType<Page<PolicyView>>
{
    public PaginatedPoliciesType()
    {
        Name = "PaginatedPolicies";
        Field<NonNullGraphType<IntGraphType>>("totalCount").Resolve(c => c.Source.TotalCount);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<PolicyGraphType>>>>("list").Resolve(c => c.Source.List);
    }
}

public sealed class PaginatedPolicyAssignmentsType : ObjectGraphType<Page<PolicyAssignmentView>>
{
    public PaginatedPolicyAssignmentsType()
    {
        Name = "PaginatedPolicyAssignments";
        Field<NonNullGraphType<IntGraphType>>("totalCount").Resolve(c => c.Source.TotalCount);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<PolicyAssignmentType>>>>("list").Resolve(c => c.Source.List);
    }
}

public sealed record ConditionValue(string Param, string Operator, string? Value);

public sealed class PolicyStatementConditionInput : InputObjectGraphType<ConditionValue>
{
    public PolicyStatementConditionInput()
    {
        Name = "PolicyStatementConditionInput";
        Field(x => x.Param, typeof(NonNullGraphType<StringGraphType>)).Description("What is tested: ip, time, or user.<field> (e.g. user.email).");
        Field(x => x.Operator, typeof(NonNullGraphType<StringGraphType>))
            .Description("ip: IN_RANGE, NOT_IN_RANGE; time: BETWEEN, NOT_BETWEEN, BEFORE, AFTER; user.<field>: EQUAL, NOT_EQUAL, IN, NOT_IN, CONTAINS.");
        Field(x => x.Value, typeof(NonNullGraphType<ObjectScalar>))
            .Description("CIDR blocks (comma-separated or a list); for time ISO instants or HH:mm (UTC daily) as \"start,end\"; for user fields the value(s).");
    }
}

public sealed record StatementValue(string Resource, List<string> Actions, object? Effect, List<ConditionValue?>? Condition);

public sealed class PolicyStatementInput : InputObjectGraphType<StatementValue>
{
    public PolicyStatementInput()
    {
        Name = "PolicyStatementInput";
        Field(x => x.Resource, typeof(NonNullGraphType<StringGraphType>)).Description("The resource code or pattern (books:*, *).");
        Field(x => x.Actions, typeof(NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>)).Description("The actions (read; * for every action).");
        Field(x => x.Effect, typeof(PolicyEffectEnum)).Description("ALLOW (default) or DENY; a DENY wins over every ALLOW.");
        Field(x => x.Condition, typeof(ListGraphType<NonNullGraphType<PolicyStatementConditionInput>>))
            .Description("Conditions that must all hold for the statement to apply.");
    }
}

public sealed class PolicyQueries : IQueryFields
{
    public void Register(ObjectGraphType q)
    {
        q.Field<NonNullGraphType<PaginatedPoliciesType>>("policies").Description("The pool's policies, optionally of one namespace.").AdminOnly()
            .Argument<IntGraphType>("page", "Page number from 1.")
            .Argument<IntGraphType>("limit", "Page size (at most 200).")
            .Argument<StringGraphType>("namespace", "Only this namespace's policies.")
            .ResolveAsync(async c => await c.Service<PolicyService>().ListAsync(c.GetArgument<string?>("namespace"), c.GetArgument<int?>("page"),
                c.GetArgument<int?>("limit"), c.CancellationToken));
        q.Field<NonNullGraphType<PolicyGraphType>>("policy").Description("One policy by code (2545 when there is none).").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("code", "The policy's code.")
            .Argument<StringGraphType>("namespace", "The namespace (default: default).")
            .ResolveAsync(async c => await c.Service<PolicyService>().GetAsync(c.GetArgument<string?>("namespace"), c.GetArgument<string>("code"),
                c.CancellationToken));
        q.Field<NonNullGraphType<PaginatedPolicyAssignmentsType>>("policyAssignments")
            .Description("Policy assignments, by policy code and/or target.").AdminOnly()
            .Argument<StringGraphType>("namespace", "Only this namespace.")
            .Argument<StringGraphType>("code", "Only this policy.")
            .Argument<PolicyAssignmentTargetTypeEnum>("targetType", "Only this kind of target.")
            .Argument<StringGraphType>("targetIdentifier", "Only this target (with targetType): user id, role code, group code, node id.")
            .Argument<IntGraphType>("page", "Page number from 1.")
            .Argument<IntGraphType>("limit", "Page size (at most 200).")
            .ResolveAsync(async c => await c.Service<PolicyService>().AssignmentsAsync(c.GetArgument<string?>("namespace"), c.GetArgument<string?>("code"),
                PermissionQueries.TargetType(c.GetArgument<object?>("targetType")), c.GetArgument<string?>("targetIdentifier"),
                c.GetArgument<int?>("page"), c.GetArgument<int?>("limit"), c.CancellationToken));
    }
}

public sealed class PolicyMutations : IMutationFields
{
    public void Register(ObjectGraphType m)
    {
        m.Field<NonNullGraphType<PolicyGraphType>>("createPolicy").Description("Creates a policy (code unique in its namespace, 2546).").AdminOnly()
            .Argument<StringGraphType>("namespace", "The namespace (default: default).")
            .Argument<NonNullGraphType<StringGraphType>>("code", "The policy's code.")
            .Argument<StringGraphType>("description", "What the policy is for.")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<PolicyStatementInput>>>>("statements", "The statements (at most 100).")
            .ResolveAsync(async c => await c.Service<PolicyService>().CreateAsync(c.GetArgument<string?>("namespace"), c.GetArgument<string>("code"),
                c.GetArgument<string?>("description"), Statements(c), c.CancellationToken));
        m.Field<NonNullGraphType<PolicyGraphType>>("updatePolicy").Description("Changes a policy's description, statements or code.").AdminOnly()
            .Argument<StringGraphType>("namespace", "The namespace (default: default).")
            .Argument<NonNullGraphType<StringGraphType>>("code", "The policy's code.")
            .Argument<StringGraphType>("description", "A new description.")
            .Argument<ListGraphType<NonNullGraphType<PolicyStatementInput>>>("statements", "New statements, replacing all.")
            .Argument<StringGraphType>("newCode", "A new code.")
            .ResolveAsync(async c => await c.Service<PolicyService>().UpdateAsync(c.GetArgument<string?>("namespace"), c.GetArgument<string>("code"),
                c.GetArgument<string?>("description"), c.HasArgument("statements") && c.GetArgument<object?>("statements") is not null ? Statements(c) : null,
                c.GetArgument<string?>("newCode"), c.CancellationToken));
        m.Field<NonNullGraphType<CommonMessageType>>("deletePolicy").Description("Deletes a policy and its assignments.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("code", "The policy's code.")
            .Argument<StringGraphType>("namespace", "The namespace (default: default).")
            .ResolveAsync(async c =>
            {
                await c.Service<PolicyService>().DeleteAsync(c.GetArgument<string?>("namespace"), [c.GetArgument<string>("code")], c.CancellationToken);
                return Messages.Ok(c, "删除成功", "Deleted");
            });
        m.Field<NonNullGraphType<CommonMessageType>>("deletePolicies").Description("Deletes policies (all or nothing: a missing code deletes none, 2545).").AdminOnly()
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("codeList", "The policies' codes.")
            .Argument<StringGraphType>("namespace", "The namespace (default: default).")
            .ResolveAsync(async c =>
            {
                await c.Service<PolicyService>().DeleteAsync(c.GetArgument<string?>("namespace"), c.GetArgument<List<string>>("codeList"), c.CancellationToken);
                return Messages.Ok(c, "删除成功", "Deleted");
            });
        m.Field<NonNullGraphType<CommonMessageType>>("addPolicyAssignments").Description("Gives policies to users, roles, groups or org nodes.").AdminOnly()
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("policies", "The policies' codes.")
            .Argument<NonNullGraphType<PolicyAssignmentTargetTypeEnum>>("targetType", "USER, ROLE, GROUP or ORG.")
            .Argument<ListGraphType<NonNullGraphType<StringGraphType>>>("targetIdentifiers", "User ids, role codes, group codes or node ids.")
            .Argument<BooleanGraphType>("inheritByChildren", "For org nodes: members of child nodes get the policies too.")
            .Argument<StringGraphType>("namespace", "The namespace (default: default).")
            .ResolveAsync(async c =>
            {
                await c.Service<PolicyService>().AddAssignmentsAsync(c.GetArgument<string?>("namespace"), c.GetArgument<List<string>>("policies"),
                    Target(c), c.GetArgument<List<string>?>("targetIdentifiers") ?? [], c.GetArgument<bool?>("inheritByChildren") ?? false, c.CancellationToken);
                return Messages.Ok(c, "授权成功", "Assigned");
            });
        m.Field<NonNullGraphType<CommonMessageType>>("removePolicyAssignments").Description("Takes policies away from targets.").AdminOnly()
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("policies", "The policies' codes.")
            .Argument<NonNullGraphType<PolicyAssignmentTargetTypeEnum>>("targetType", "USER, ROLE, GROUP or ORG.")
            .Argument<ListGraphType<NonNullGraphType<StringGraphType>>>("targetIdentifiers", "User ids, role codes, group codes or node ids.")
            .Argument<StringGraphType>("namespace", "The namespace (default: default).")
            .ResolveAsync(async c =>
            {
                await c.Service<PolicyService>().RemoveAssignmentsAsync(c.GetArgument<string?>("namespace"), c.GetArgument<List<string>>("policies"),
                    Target(c), c.GetArgument<List<string>?>("targetIdentifiers") ?? [], c.CancellationToken);
                return Messages.Ok(c, "取消授权成功", "Unassigned");
            });
        foreach (var (name, enabled) in new[] { ("enablePolicyAssignment", true), ("disbalePolicyAssignment", false) })
            m.Field<NonNullGraphType<CommonMessageType>>(name)
                .Description(enabled ? "Turns an assignment back on." : "Turns an assignment off (kept, takes no part; GenAuth's spelling).").AdminOnly()
                .Argument<NonNullGraphType<StringGraphType>>("policy", "The policy's code.")
                .Argument<NonNullGraphType<PolicyAssignmentTargetTypeEnum>>("targetType", "USER, ROLE, GROUP or ORG.")
                .Argument<NonNullGraphType<StringGraphType>>("targetIdentifier", "User id, role code, group code or node id.")
                .Argument<StringGraphType>("namespace", "The namespace (default: default).")
                .ResolveAsync(async c =>
                {
                    await c.Service<PolicyService>().SetEnabledAsync(c.GetArgument<string?>("namespace"), c.GetArgument<string>("policy"), Target(c),
                        c.GetArgument<string>("targetIdentifier"), enabled, c.CancellationToken);
                    return Messages.Ok(c, "操作成功", enabled ? "Enabled" : "Disabled");
                });
    }

    private static PermissionTargetType Target(IResolveFieldContext c) =>
        PermissionQueries.TargetType(c.GetArgument<object?>("targetType")) ?? PermissionTargetType.User;

    private static List<StatementInput> Statements(IResolveFieldContext c) =>
        (c.GetArgument<List<StatementValue?>?>("statements") ?? []).OfType<StatementValue>()
            .Select(s => new StatementInput(s.Resource, s.Actions, s.Effect switch
                {
                    null => null,
                    PolicyEffect e => e == PolicyEffect.Deny ? "DENY" : "ALLOW",
                    var other => other.ToString(),
                },
                (s.Condition ?? []).OfType<ConditionValue>().Select(x => new PolicyCondition { Param = x.Param, Operator = x.Operator, Value = x.Value ?? "" }).ToList()))
            .ToList();
}
