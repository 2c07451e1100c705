using Microsoft.Extensions.Configuration.Json;

namespace GenAuth.Server.Hosting;

public static class ServerDefaults
{
    /// <summary>
    /// Started from another directory (dotnet run at the repository root keeps ./data there), the content root has no
    /// appsettings.json: read the copies beside the binaries, below every other source so that environment variables
    /// and the command line still win.
    /// </summary>
    public static void AddServerDefaults(this ConfigurationManager configuration, IWebHostEnvironment environment)
    {
        if (File.Exists(Path.Combine(environment.ContentRootPath, "appsettings.json")))
            return;
        var sources = ((IConfigurationBuilder)configuration).Sources;
        foreach (var name in new[] { $"appsettings.{environment.EnvironmentName}.json", "appsettings.json" })
        {
            var path = Path.Combine(AppContext.BaseDirectory, name);
            if (!File.Exists(path))
                continue;
            var source = new JsonConfigurationSource { Path = path, Optional = true };
            source.ResolveFileProvider();
            sources.Insert(0, source);
        }
    }
}
