using GenAuth.Core.Common;
using GenAuth.Core.Pipelines;
using GenAuth.GraphQL.Common;
using GraphQL;
using GraphQL.Types;

namespace GenAuth.GraphQL.Pipelines;

/// <summary>GenAuth's pipeline function documents (createFunction, updateFunction, deleteFunction, function, functions) and the sandbox settings.</summary>
public sealed class PipelineFields : IQueryFields, IMutationFields
{
    void IQueryFields.Register(ObjectGraphType q)
    {
        q.Field<FunctionType>("function")
            .Description("The pipeline function with this id, or null.").AdminOnly()
            .Argument<StringGraphType>("id", "The function's id.")
            .ResolveAsync(async c => await c.Service<PipelineAdminService>().FindFunctionAsync(c.GetArgument<string?>("id"), c.CancellationToken));
        q.Field<NonNullGraphType<PaginatedFunctionsType>>("functions")
            .Description("The pool's pipeline functions, a page at a time.").AdminOnly()
            .Argument<IntGraphType>("page", "Page number, from 1.")
            .Argument<IntGraphType>("limit", "Functions per page.")
            .Argument<SortByEnum>("sortBy", "Order of the list.")
            .ResolveAsync(async c => await c.Service<PipelineAdminService>().ListFunctionsAsync(c.GetArgument<int?>("page"),
                c.GetArgument<int?>("limit"), c.GetArgument<string?>("sortBy"), c.CancellationToken));
        q.Field<NonNullGraphType<PipelineSettingsType>>("pipelineSettings")
            .Description("The pool's sandbox settings: fetch allow-list and custom database (lazy migration).").AdminOnly()
            .ResolveAsync(async c => await c.Service<PipelineAdminService>().GetSettingsAsync(c.CancellationToken));
    }

    void IMutationFields.Register(ObjectGraphType m)
    {
        m.Field<NonNullGraphType<FunctionType>>("createFunction")
            .Description("Adds a pipeline function: async function pipe(user, context, callback), run at its trigger in order.").AdminOnly()
            .Argument<NonNullGraphType<CreateFunctionInputType>>("input", "The function.")
            .ResolveAsync(async c => await c.Service<PipelineAdminService>().CreateFunctionAsync(c.GetArgument<CreateFunctionArgs>("input").ToInput(),
                c.CancellationToken));
        m.Field<NonNullGraphType<FunctionType>>("updateFunction")
            .Description("Changes a pipeline function; fields left out keep their value.").AdminOnly()
            .Argument<NonNullGraphType<UpdateFunctionInputType>>("input", "The function's id and the fields to change.")
            .ResolveAsync(async c =>
            {
                var i = c.GetArgument<UpdateFunctionArgs>("input");
                return await c.Service<PipelineAdminService>().UpdateFunctionAsync(i.Id, i.ToInput(), c.CancellationToken);
            });
        m.Field<NonNullGraphType<CommonMessageType>>("deleteFunction")
            .Description("Deletes a pipeline function.").AdminOnly()
            .Argument<NonNullGraphType<StringGraphType>>("id", "The function's id.")
            .ResolveAsync(async c =>
            {
                await c.Service<PipelineAdminService>().DeleteFunctionAsync(c.GetArgument<string>("id"), c.CancellationToken);
                return Messages.Ok(c, "删除成功", "Function deleted");
            });
        m.Field<NonNullGraphType<PipelineSettingsType>>("updatePipelineSettings")
            .Description("Sets the pool's fetch allow-list and custom database scripts; fields left out keep their value.").AdminOnly()
            .Argument<NonNullGraphType<PipelineSettingsInputType>>("input", "The settings to change.")
            .ResolveAsync(async c =>
            {
                var i = c.GetArgument<PipelineSettingsArgs>("input");
                return await c.Service<PipelineAdminService>().UpdateSettingsAsync(new PipelineSettingsInput
                {
                    FetchAllowList = i.FetchAllowList, CustomDatabaseEnabled = i.CustomDatabaseEnabled,
                    CustomDatabaseLoginScript = i.CustomDatabaseLoginScript, CustomDatabaseGetUserScript = i.CustomDatabaseGetUserScript,
                }, c.CancellationToken);
            });
    }
}

public sealed class PipelineTriggerEnum : EnumerationGraphType
{
    public PipelineTriggerEnum()
    {
        Name = "PipelineTrigger";
        Description = "When a pipeline function runs.";
        Add(PipelineTriggers.PreRegister, PipelineTriggers.PreRegister, "Before a user registers: a refusal or failure stops the registration.");
        Add(PipelineTriggers.PostRegister, PipelineTriggers.PostRegister, "After a user registered: failures are logged.");
        Add(PipelineTriggers.PostAuthentication, PipelineTriggers.PostAuthentication,
            "After the credential and checks, before the session: a refusal stops the sign-in; failures are logged.");
        Add(PipelineTriggers.PreOidcTokenIssued, PipelineTriggers.PreOidcTokenIssued,
            "Before the OIDC authorization endpoint issues a code: a refusal or failure answers access_denied.");
    }
}

public sealed class FunctionType : ObjectGraphType<PipelineFunction>
{
    public FunctionType()
    {
        Name = "Function";
        Field<NonNullGraphType<StringGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(c => c.Source.Name);
        Field<NonNullGraphType<StringGraphType>>("sourceCode").Resolve(c => c.Source.SourceCode);
        Field<StringGraphType>("description").Resolve(c => c.Source.Description);
        Field<StringGraphType>("url").Resolve(c => c.Source.Url);
        Field<NonNullGraphType<PipelineTriggerEnum>>("trigger").Resolve(c => c.Source.Trigger);
        Field<NonNullGraphType<IntGraphType>>("order").Resolve(c => c.Source.Order);
        Field<NonNullGraphType<BooleanGraphType>>("enabled").Resolve(c => c.Source.Enabled);
        Field<NonNullGraphType<IntGraphType>>("timeout").Description("Milliseconds; 0 is the server's default.").Resolve(c => c.Source.TimeoutMs);
        Field<StringGraphType>("createdAt").Resolve(c => c.Source.CreatedAt.Iso());
        Field<StringGraphType>("updatedAt").Resolve(c => c.Source.UpdatedAt.Iso());
    }
}

public sealed class PaginatedFunctionsType : ObjectGraphType<Page<PipelineFunction>>
{
    public PaginatedFunctionsType()
    {
        Name = "PaginatedFunctions";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<FunctionType>>>>("list").Resolve(c => c.Source.List);
        Field<NonNullGraphType<IntGraphType>>("totalCount").Resolve(c => c.Source.TotalCount);
    }
}

public sealed class PipelineSettingsType : ObjectGraphType<PipelineSettingsView>
{
    public PipelineSettingsType()
    {
        Name = "PipelineSettings";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("fetchAllowList").Resolve(c => c.Source.FetchAllowList);
        Field<NonNullGraphType<BooleanGraphType>>("customDatabaseEnabled").Resolve(c => c.Source.CustomDatabaseEnabled);
        Field<StringGraphType>("customDatabaseLoginScript").Resolve(c => c.Source.CustomDatabaseLoginScript);
        Field<StringGraphType>("customDatabaseGetUserScript").Resolve(c => c.Source.CustomDatabaseGetUserScript);
    }
}

public sealed record CreateFunctionArgs(string Name, string SourceCode, string? Description, string? Url, string? Trigger, int? Order,
    bool? Enabled, int? Timeout)
{
    public FunctionInput ToInput() => new()
    {
        Name = Name, SourceCode = SourceCode, Description = Description, Url = Url, Trigger = Trigger, Order = Order, Enabled = Enabled,
        Timeout = Timeout,
    };
}

public sealed record UpdateFunctionArgs(string Id, string? Name, string? SourceCode, string? Description, string? Url, string? Trigger,
    int? Order, bool? Enabled, int? Timeout)
{
    public FunctionInput ToInput() => new()
    {
        Name = Name, SourceCode = SourceCode, Description = Description, Url = Url, Trigger = Trigger, Order = Order, Enabled = Enabled,
        Timeout = Timeout,
    };
}

public sealed record PipelineSettingsArgs(List<string>? FetchAllowList, bool? CustomDatabaseEnabled, string? CustomDatabaseLoginScript,
    string? CustomDatabaseGetUserScript);

public sealed class CreateFunctionInputType : InputObjectGraphType<CreateFunctionArgs>
{
    public CreateFunctionInputType()
    {
        Name = "CreateFunctionInput";
        Field(x => x.Name, typeof(NonNullGraphType<StringGraphType>)).Description("The function's name.");
        Field(x => x.SourceCode, typeof(NonNullGraphType<StringGraphType>)).Description("JavaScript declaring async function pipe(user, context, callback).");
        Field(x => x.Description, typeof(StringGraphType)).Description("A description.");
        Field(x => x.Url, typeof(StringGraphType)).Description("A link kept with the function (informational).");
        Field(x => x.Trigger, typeof(PipelineTriggerEnum)).Description("When it runs (default POST_AUTHENTICATION).");
        Field(x => x.Order, typeof(IntGraphType)).Description("Functions of one trigger run by ascending order.");
        Field(x => x.Enabled, typeof(BooleanGraphType)).Description("Disabled functions don't run (default true).");
        Field(x => x.Timeout, typeof(IntGraphType)).Description("Time limit in milliseconds (0: the server's default; capped by GenAuth:Pipelines:MaxTimeoutMs).");
    }
}

public sealed class UpdateFunctionInputType : InputObjectGraphType<UpdateFunctionArgs>
{
    public UpdateFunctionInputType()
    {
        Name = "UpdateFunctionInput";
        Field(x => x.Id, typeof(NonNullGraphType<StringGraphType>)).Description("The function's id.");
        Field(x => x.Name, typeof(StringGraphType)).Description("The function's name.");
        Field(x => x.SourceCode, typeof(StringGraphType)).Description("JavaScript declaring async function pipe(user, context, callback).");
        Field(x => x.Description, typeof(StringGraphType)).Description("A description.");
        Field(x => x.Url, typeof(StringGraphType)).Description("A link kept with the function (informational).");
        Field(x => x.Trigger, typeof(PipelineTriggerEnum)).Description("When it runs.");
        Field(x => x.Order, typeof(IntGraphType)).Description("Functions of one trigger run by ascending order.");
        Field(x => x.Enabled, typeof(BooleanGraphType)).Description("Disabled functions don't run.");
        Field(x => x.Timeout, typeof(IntGraphType)).Description("Time limit in milliseconds (0: the server's default).");
    }
}

public sealed class PipelineSettingsInputType : InputObjectGraphType<PipelineSettingsArgs>
{
    public PipelineSettingsInputType()
    {
        Name = "PipelineSettingsInput";
        Field(x => x.FetchAllowList, typeof(ListGraphType<NonNullGraphType<StringGraphType>>))
            .Description("Host names a function's fetch may call over https (at most 20); empty: no fetch (the default).");
        Field(x => x.CustomDatabaseEnabled, typeof(BooleanGraphType)).Description("Ask the custom database for accounts this pool doesn't have yet.");
        Field(x => x.CustomDatabaseLoginScript, typeof(StringGraphType))
            .Description("JavaScript declaring async function login(identifier, password) answering the user object or null; \"\" removes it.");
        Field(x => x.CustomDatabaseGetUserScript, typeof(StringGraphType))
            .Description("JavaScript declaring async function getUser(identifier) answering the user object or null; \"\" removes it.");
    }
}
