using System.Text.Json;
using GenAuth.Server.Oidc;

namespace GenAuth.Tests.Oidc;

/// <summary>The client mirror's stamp, now built without a serializer, is byte for byte what the serializer wrote (rows mirrored before still match).</summary>
public sealed class OidcClientStampTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(638_999_999_999_999_999L)]
    [InlineData(1L)]
    public void TheStampIsWhatJsonSerializerWrote(long ticks)
    {
        var at = new DateTime(ticks, DateTimeKind.Utc);
        var serialized = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["genauth_stamp"] = ticks.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        Assert.Equal(serialized, OidcClientManager.Stamp(at));
    }
}
