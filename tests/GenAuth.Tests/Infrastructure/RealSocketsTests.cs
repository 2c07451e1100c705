using System.Reflection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace GenAuth.Tests.Infrastructure;

/// <summary>
/// README promises real HTTP and WebSocket: every server the tests start must listen on a loopback port (Kestrel),
/// never the in-memory TestServer. A new WebApplicationFactory that forgets UseKestrel fails here.
/// </summary>
public sealed class RealSocketsTests
{
    public static TheoryData<string> Factories() => new(FactoryTypes().Select(t => t.FullName!));

    [Theory]
    [MemberData(nameof(Factories))]
    public async Task Every_test_server_listens_on_a_loopback_port(string typeName)
    {
        var type = FactoryTypes().Single(t => t.FullName == typeName);
        var constructor = type.GetConstructors().FirstOrDefault(c => c.GetParameters().All(p => p.IsOptional || IsParams(p)));
        if (constructor is null)
        {
            // Needs arguments only its own tests have (e.g. an SMTP sink): its base must be one checked here.
            Assert.True(type.BaseType is { IsGenericType: false } b && FactoryTypes().Contains(b)
                        && b.GetConstructors().Any(c => c.GetParameters().All(p => p.IsOptional || IsParams(p))),
                $"{typeName} can't be built here and doesn't derive from a factory that is checked");
            return;
        }
        var args = constructor.GetParameters()
            .Select(p => IsParams(p) ? Array.CreateInstance(p.ParameterType.GetElementType()!, 0) : p.DefaultValue)
            .ToArray();
        await using var factory = (WebApplicationFactory<Program>)constructor.Invoke(args);

        using var client = factory.CreateClient();

        var server = factory.Services.GetRequiredService<IServer>();
        Assert.IsNotType<TestServer>(server);
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = Assert.Single(addresses);
        Assert.True(new Uri(address).IsLoopback, address);
        Assert.Equal(new Uri(address).Port, client.BaseAddress!.Port);
    }

    private static bool IsParams(ParameterInfo p) => p.IsDefined(typeof(ParamArrayAttribute));

    private static IEnumerable<Type> FactoryTypes() =>
        typeof(RealSocketsTests).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(WebApplicationFactory<Program>).IsAssignableFrom(t));
}
