using GenAuth.GraphQL.Applications;
using GenAuth.GraphQL.Audit;
using GenAuth.GraphQL.Webhooks;
using GenAuth.GraphQL.Codes;
using GenAuth.GraphQL.Profile;
using GenAuth.GraphQL.Common;
using GenAuth.GraphQL.Messaging;
using GenAuth.GraphQL.CustomFields;
using GenAuth.GraphQL.Diagnostics;
using GenAuth.GraphQL.Groups;
using GenAuth.GraphQL.Limits;
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

public static class ServiceCollectionExtensions
{
    /// <summary>The one schema setup, used by the server and the tests alike.</summary>
    public static IServiceCollection AddGenAuthGraphQL(this IServiceCollection services)
    {
        services.AddOptions<GraphQLLimits>().BindConfiguration(GraphQLLimits.Section)
            .Validate(l => l.IsValid(), "GenAuth:GraphQL limits must be positive").ValidateOnStart();

        services.AddSingleton<IQueryFields, AccountQueries>();
        services.AddSingleton<IQueryFields, PoolQueries>();
        services.AddSingleton<IMutationFields, AccountMutations>();
        services.AddSingleton<IMutationFields, GenAuth.GraphQL.ExtIdps.DirectoryLoginMutations>();
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
        services.AddSingleton<AuditFields>();
        services.AddSingleton<WebhookFields>();
        services.AddSingleton<IQueryFields>(sp => sp.GetRequiredService<WebhookFields>());
        services.AddSingleton<IMutationFields>(sp => sp.GetRequiredService<WebhookFields>());
        services.AddSingleton<IQueryFields>(sp => sp.GetRequiredService<AuditFields>());
        services.AddSingleton<IMutationFields>(sp => sp.GetRequiredService<AuditFields>());
        services.AddSingleton<ISubscriptionFields>(sp => sp.GetRequiredService<AuditFields>());
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
        services.AddSingleton<IQueryFields, PolicyQueries>();
        services.AddSingleton<IMutationFields, PolicyMutations>();
        services.AddSingleton<IQueryFields, ResourceQueries>();
        services.AddSingleton<IMutationFields, ResourceMutations>();
        services.AddSingleton<IQueryFields, OrgQueries>();
        services.AddSingleton<IMutationFields, OrgMutations>();
        services.AddSingleton<PoolSmtpFields>();
        services.AddSingleton<IQueryFields>(sp => sp.GetRequiredService<PoolSmtpFields>());
        services.AddSingleton<IMutationFields>(sp => sp.GetRequiredService<PoolSmtpFields>());
        services.AddSingleton<GenAuth.GraphQL.ExtIdps.ExtIdpAdminFields>();
        services.AddSingleton<IQueryFields>(sp => sp.GetRequiredService<GenAuth.GraphQL.ExtIdps.ExtIdpAdminFields>());
        services.AddSingleton<IMutationFields>(sp => sp.GetRequiredService<GenAuth.GraphQL.ExtIdps.ExtIdpAdminFields>());
        services.AddSingleton<GenAuth.GraphQL.Pipelines.PipelineFields>();
        services.AddSingleton<IQueryFields>(sp => sp.GetRequiredService<GenAuth.GraphQL.Pipelines.PipelineFields>());
        services.AddSingleton<IMutationFields>(sp => sp.GetRequiredService<GenAuth.GraphQL.Pipelines.PipelineFields>());
        // Note: User's contributed fields, in this order after its own (the SDL's field order).
        services.AddSingleton<IUserFields, UserCustomDataFields>();
        services.AddSingleton<IUserFields, UserRoleFields>();
        services.AddSingleton<IUserFields, UserGroupFields>();
        services.AddSingleton<IUserFields, UserDepartmentFields>();
        services.AddSingleton<IUserFields, UserAuthorizedResourceFields>();
        services.AddSingleton<IUserFields, GenAuth.GraphQL.ExtIdps.UserIdentityFields>();
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
                c.ValidateComplexityDelegate = context => StandardIntrospectionIsExempt(context, limits.MaxIntrospectionDepth);
            }));
        return services;
    }

    /// <summary>
    /// The standard introspection query (GraphiQL's, Banana Cake Pop's) is deep by nature (ofType chains) and its answer
    /// is bounded by the schema, so IDEs get it past the depth and complexity limits. Only that shape: aliased, deeper
    /// or type-list-nested introspection is analysed like any data operation (400 aliased __schema fields were 63 MB).
    /// </summary>
    private static Task StandardIntrospectionIsExempt(global::GraphQL.Validation.Complexity.ComplexityValidationContext context, int maxDepth)
    {
        if (context.Error is not null
            && DocumentShape.IsStandardIntrospection(context.ValidationContext.Document, context.ValidationContext.Operation, maxDepth))
            context.Error = null;
        return Task.CompletedTask;
    }
}
