using GenAuth.Tests.Infrastructure;

namespace GenAuth.Tests.Pages;

/// <summary>The antiforgery key ring is written under the data directory, sealed with the master key (no plain key XML).</summary>
[Collection(PagesCollection.Name)]
public sealed class PageKeysTests(PagesBrowser b)
{
    [Fact]
    public async Task Dataprotection_keys_are_persisted_sealed_in_the_data_directory()
    {
        using var http = new HttpClient();
        var html = await http.GetStringAsync($"{b.BaseUrl}/login");
        Assert.Contains("__RequestVerificationToken", html, StringComparison.Ordinal);
        var files = Directory.GetFiles(Path.Combine(b.App.DataDirectory, "dataprotection-keys"), "*.xml");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var xml = await File.ReadAllTextAsync(file);
            Assert.True(xml.Contains("<sealedKey>", StringComparison.Ordinal), xml);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        }
    }
}
