using System.Runtime.CompilerServices;
using GenAuth.Tests.Management;
using Newtonsoft.Json.Linq;
using Snapshooter;
using Snapshooter.Xunit;

namespace GenAuth.Tests.Compat;

/// <summary>
/// The REST user is what GenAuth's SDK and front-ends parse: its field names, their order and their kinds are pinned by a
/// snapshot (volatile ids and times masked). `tests/run` runs Snapshooter in strict mode, so a missing snapshot fails
/// instead of being written.
/// </summary>
public sealed class RestUserShapeTests : ManagementTestBase
{
    [Fact]
    public async Task RestUserKeepsGenAuthsShape()
    {
        var id = await CreateUserAsync(new
        {
            email = "Shape@Example.com", username = "shape", nickname = "Shape", phone = "13800138000",
            password = "Correct-Horse-91", company = "GenAuth", gender = "F", city = "Hangzhou",
        });

        var envelope = await RestAsync(HttpMethod.Get, $"/api/v2/users/{id}", token: Admin);

        Assert.Equal(200, envelope["code"]!.GetValue<int>());
        Assert.Equal(id, envelope["data"]!["id"]!.GetValue<string>());
        Match(JObject.Parse(envelope.ToJsonString()), o => o
            .IgnoreField("data.id").IgnoreField("data.arn")
            .IgnoreField("data.createdAt").IgnoreField("data.updatedAt").IgnoreField("data.signedUp"));
    }

    private static void Match(JObject actual, Func<MatchOptions, MatchOptions> options, [CallerFilePath] string file = "",
        [CallerMemberName] string name = "") =>
        Snapshot.Match(actual, new SnapshotFullName($"{nameof(RestUserShapeTests)}.{name}.snap",
            Path.GetDirectoryName(file)!), options);
}
