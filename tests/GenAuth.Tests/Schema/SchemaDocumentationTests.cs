using System.Net;
using GenAuth.GraphQL.Common;
using GenAuth.Tests.Infrastructure;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Schema;

/// <summary>
/// The schema documents itself: every root field and every input field says what it does (an IDE shows these), and
/// the introspection graphql-js 16 sends (with specifiedByURL and isRepeatable) answers without errors.
/// </summary>
public sealed class SchemaDocumentationTests : IDisposable
{
    private readonly GenAuthApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public void EveryRootFieldAndInputFieldHasADescription()
    {
        var schema = _app.Services.GetRequiredService<GenAuthSchema>();
        schema.Initialize();

        var missing = Undescribed(schema);

        Assert.True(missing.Count == 0, $"{missing.Count} root or input fields have no meaningful description:\n" + string.Join("\n", missing));
        // Note: the walk really covers the schema (a handful of types would pass vacuously).
        Assert.True(schema.Query!.Fields.Count > 40 && schema.AllTypes.OfType<IInputObjectGraphType>().Count() > 30);
    }

    /// <summary>The walker itself: an undescribed root field, an undescribed input field and a placeholder are reported.</summary>
    [Fact]
    public void TheWalkerReportsWhatIsUndescribed()
    {
        var input = new InputObjectGraphType { Name = "ProbeInput" };
        input.Field<StringGraphType>("bare");
        input.Field<StringGraphType>("named").Description("named");
        input.Field<StringGraphType>("good").Description("A field that says what it is for.");
        var query = new ObjectGraphType { Name = "Query" };
        query.Field<StringGraphType>("undocumented").Resolve(_ => null);
        query.Field<StringGraphType>("documented").Description("Answers something useful.").Resolve(_ => null);
        var schema = new global::GraphQL.Types.Schema { Query = query };
        schema.RegisterType(input);
        schema.Initialize();

        Assert.Equal(["ProbeInput.bare", "ProbeInput.named", "Query.undocumented"], Undescribed(schema).Order());
    }

    /// <summary>getIntrospectionQuery({ specifiedByUrl: true, directiveIsRepeatable: true }) of graphql-js 16, verbatim.</summary>
    [Fact]
    public async Task GraphQLJs16FullIntrospectionAnswersTheCurrentSpecFields()
    {
        var client = _app.CreateGraphQLClient();

        using var response = await client.SendAsync(FullIntrospectionQuery);
        var result = await GraphQLClient.ReadJsonAsync(response);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {result.ToJsonString()[..Math.Min(500, result.ToJsonString().Length)]}");
        Assert.Null(result["errors"]);
        var schema = result["data"]!["__schema"]!;
        Assert.Equal("Query", schema["queryType"]!["name"]!.GetValue<string>());
        Assert.Equal("Subscription", schema["subscriptionType"]!["name"]!.GetValue<string>());
        var types = schema["types"]!.AsArray();
        Assert.All(types, t => Assert.True(t!.AsObject().ContainsKey("specifiedByURL"), $"{t!["name"]} has no specifiedByURL"));
        Assert.Null(types.Single(t => t!["name"]!.GetValue<string>() == "String")!["specifiedByURL"]);
        var directives = schema["directives"]!.AsArray();
        Assert.Contains(directives, d => d!["name"]!.GetValue<string>() == "include");
        Assert.All(directives, d => Assert.False(d!["isRepeatable"]!.GetValue<bool>(), $"@{d["name"]} is not repeatable"));
        var mutation = types.Single(t => t!["name"]!.GetValue<string>() == "Mutation")!;
        var loginByEmail = mutation["fields"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "loginByEmail")!;
        Assert.False(string.IsNullOrWhiteSpace(loginByEmail["description"]?.GetValue<string>()));
    }

    /// <summary>Root fields (query, mutation, subscription) and input fields whose description is missing or is just the name.</summary>
    private static List<string> Undescribed(ISchema schema)
    {
        var missing = new List<string>();
        void Check(string owner, FieldType field)
        {
            var text = field.Description?.Trim();
            if (string.IsNullOrEmpty(text) || text.Length < 10 || string.Equals(text.TrimEnd('.'), field.Name, StringComparison.OrdinalIgnoreCase))
                missing.Add($"{owner}.{field.Name}");
        }

        foreach (var root in new IObjectGraphType?[] { schema.Query, schema.Mutation, schema.Subscription })
        {
            if (root is null)
                continue;
            foreach (var field in root.Fields)
                Check(root.Name, field);
        }
        foreach (var input in schema.AllTypes.OfType<IInputObjectGraphType>().Where(t => !t.Name.StartsWith("__", StringComparison.Ordinal)))
            foreach (var field in input.Fields)
                Check(input.Name, field);
        return missing;
    }

    private const string FullIntrospectionQuery = """

        query IntrospectionQuery {
          __schema {
            
            queryType { name }
            mutationType { name }
            subscriptionType { name }
            types {
              ...FullType
            }
            directives {
              name
              description
              isRepeatable
              locations
              args {
                ...InputValue
              }
            }
          }
        }

        fragment FullType on __Type {
          kind
          name
          description
          specifiedByURL
          fields(includeDeprecated: true) {
            name
            description
            args {
              ...InputValue
            }
            type {
              ...TypeRef
            }
            isDeprecated
            deprecationReason
          }
          inputFields {
            ...InputValue
          }
          interfaces {
            ...TypeRef
          }
          enumValues(includeDeprecated: true) {
            name
            description
            isDeprecated
            deprecationReason
          }
          possibleTypes {
            ...TypeRef
          }
        }

        fragment InputValue on __InputValue {
          name
          description
          type { ...TypeRef }
          defaultValue
          
          
        }

        fragment TypeRef on __Type {
          kind
          name
          ofType {
            kind
            name
            ofType {
              kind
              name
              ofType {
                kind
                name
                ofType {
                  kind
                  name
                  ofType {
                    kind
                    name
                    ofType {
                      kind
                      name
                      ofType {
                        kind
                        name
                      }
                    }
                  }
                }
              }
            }
          }
        }

      """;
}
