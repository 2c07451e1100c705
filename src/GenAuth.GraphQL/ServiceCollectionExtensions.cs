using GenAuth.GraphQL.Applications;
using GenAuth.GraphQL.Codes;
using GenAuth.GraphQL.Profile;
using GenAuth.GraphQL.Common;
using GenAuth.GraphQL.Messaging;
using GenAuth.GraphQL.CustomFields;
using GenAuth.GraphQL.Diagnostics;
using GenAuth.GraphQL.Groups;
using GenAuth.GraphQL.Orgs;
using GenAuth.GraphQL.Permissions;
using GenAuth.GraphQL.Resources;
using GenAuth.GraphQL.Roles;
using GenAuth.GraphQL.Mfa;
using GenAuth.GraphQL.Pools;
using GenAuth.GraphQL.QrLogin;
using GenAuth.GraphQL.Users;
using GraphQL;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.GraphQL;

/// <summary>Limits on what one GraphQL document may ask for (GenAuth:GraphQL).</summary>
public sealed class GraphQLLimits
{
    public int MaxDepth { get; set; } = 15;
    public int MaxComplexity { get; set; } = 2000;
}

public static class ServiceCollectionExtensions
{
    /// <summary>The one schema setup, used by the server and the tests alike.</summary>
    public static IServiceCollection AddGenAuthGraphQL(this IServiceCollection services)
    {
        services.AddOptions<GraphQLLimits>().BindConfiguration("GenAuth:GraphQL")
            .Validate(l => l.MaxDepth > 0 && l.MaxComplexity > 0, "GraphQL limits must be positive").ValidateOnStart();

        services.AddSingleton<IQueryFields, AccountQueries>();
        services.AddSingleton<IQueryFields, PoolQueries>();
        services.AddSingleton<IMutationFields, AccountMutations>();
        services.AddSingleton<IMutationFields, PoolMutations>();
        services.AddSingleton<IQueryFields, UserAdminQueries>();
        services.AddSingleton<IMutationFields, UserAdminMutations>();
        services.AddSingleton<IQueryFields, CustomFieldQueries>();
        services.AddSingleton<IMutationFields, CustomFieldMutations>();
        services.AddSingleton<IQueryFields, PoolAdminQueries>();
        services.AddSingleton<IMutationFields, PoolAdminMutations>();
        services.AddSingleton<IQueryFields, ApplicationQueries>();
        services.AddSingleton<IMutationFields, ApplicationMutations>();
        services.AddSingleton<IQueryFields, MfaQueries>();
        services.AddSingleton<IMutationFields, MfaMutations>();
        services.AddSingleton<IMutationFields, CodeMutations>();
        services.AddSingleton<IMutationFields, ContactMutations>();
        services.AddSingleton<IQueryFields, ContactQueries>();
        services.AddSingleton<ISubscriptionFields, ServerTimeSubscription>();
        services.AddSingleton<QrLoginFields>();
        services.AddSingleton<IQueryFields>(sp => sp.GetRequiredService<QrLoginFields>());
        services.AddSingleton<IMutationFields>(sp => sp.GetRequiredService<QrLoginFields>());
        services.AddSingleton<ISubscriptionFields>(sp => sp.GetRequiredService<QrLoginFields>());
        services.AddSingleton<IQueryFields, GroupQueries>();
        services.AddSingleton<IMutationFields, GroupMutations>();
        services.AddSingleton<IQueryFields, RoleQueries>();
        services.AddSingleton<IMutationFields, RoleMutations>();
        services.AddSingleton<IQueryFields, PermissionQueries>();
        services.AddSingleton<IMutationFields, PermissionMutations>();
        services.AddSingleton<IQueryFields, ResourceQueries>();
        services.AddSingleton<IMutationFields, ResourceMutations>();
        services.AddSingleton<IQueryFields, OrgQueries>();
        services.AddSingleton<IMutationFields, OrgMutations>();
        services.AddSingleton<PoolSmtpFields>();
        services.AddSingleton<IQueryFields>(sp => sp.GetRequiredService<PoolSmtpFields>());
        services.AddSingleton<IMutationFields>(sp => sp.GetRequiredService<PoolSmtpFields>());
        // Note: User's contributed fields, in this order after its own (the SDL's field order).
        services.AddSingleton<IUserFields, UserCustomDataFields>();
        services.AddSingleton<IUserFields, UserRoleFields>();
        services.AddSingleton<IUserFields, UserGroupFields>();
        services.AddSingleton<IUserFields, UserDepartmentFields>();
        services.AddSingleton<IUserFields, UserAuthorizedResourceFields>();
        services.AddScoped<BatchLoaders>();

        services.AddGraphQL(b => b
            .AddSchema<GenAuthSchema>()
            .AddGraphTypes(typeof(GenAuthSchema).Assembly)
            .AddSystemTextJson()
            // Note: queries run serially: resolvers share the request's DbContext, which is not thread-safe, and
            // the serial strategy still completes batch-loader results after the rest of each level (QUALITY P5).
            .AddExecutionStrategy(global::GraphQL.Execution.SerialExecutionStrategy.Instance, GraphQLParser.AST.OperationType.Query)
            .AddErrorInfoProvider<GenAuthErrorInfoProvider>()
            .AddUnhandledExceptionHandler(GenAuthErrors.Map)
            .UseMiddleware<FieldAccessMiddleware>()
            .AddComplexityAnalyzer((c, sp) =>
            {
                var limits = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<GraphQLLimits>>().Value;
                c.MaxDepth = limits.MaxDepth;
                c.MaxComplexity = limits.MaxComplexity;
                c.ValidateComplexityDelegate = IntrospectionIsExempt;
            }));
        return services;
    }

    /// <summary>
    /// Introspection documents (every root field is __schema, __type or __typename) are fixed in shape and
    /// deep by nature (ofType chains); IDEs send them, so the limits apply to data operations only.
    /// </summary>
    private static Task IntrospectionIsExempt(global::GraphQL.Validation.Complexity.ComplexityValidationContext context)
    {
        var operation = context.ValidationContext.Operation;
        if (operation.Operation == GraphQLParser.AST.OperationType.Query
            && operation.SelectionSet.Selections.All(s => s is GraphQLParser.AST.GraphQLField f && f.Name.StringValue.StartsWith("__", StringComparison.Ordinal)))
            context.Error = null;
        return Task.CompletedTask;
    }
}
