using FineTune.ServiceDefaults.Health;
using FineTune.Storage.Artifacts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FineTune.ServiceDefaults.Storage;

public static class ArtifactStoreExtensions
{
    public const string ConnectionStringName = "artifacts";

    /// <summary>
    /// Registers the shared <see cref="IArtifactStore"/>: Azure Blob storage when
    /// <c>ConnectionStrings:artifacts</c> is set (container <c>Storage:Container</c>, default
    /// <c>artifacts</c>), else the embedded folder store at <c>Storage:Path</c>. Adds a readiness check. Once per
    /// process: a second call (another service composed into the same host) keeps the first.
    /// </summary>
    public static IHostApplicationBuilder AddArtifactStore(this IHostApplicationBuilder builder)
    {
        // several services composed in one process (finetune run) share one store and one check
        if (builder.Services.Any(d => d.ServiceType == typeof(IArtifactStore))) return builder;
        var config = builder.Configuration;
        var settings = new ArtifactStoreSettings
        {
            AzureConnectionString = config.GetConnectionString(ConnectionStringName),
            Container = config["Storage:Container"] ?? "artifacts",
            FileRoot = config["Storage:Path"] ?? Path.Combine(".finetune", "artifacts"),
        };
        IArtifactStore store;
        try { store = ArtifactStoreFactory.Create(settings); }
        catch (ArgumentException e)
        {
            var setting = e.ParamName == "container" ? "Storage:Container"
                : settings.AzureConnectionString is not null ? $"ConnectionStrings:{ConnectionStringName}"
                : "Storage:Path";
            throw new InvalidSettingException(setting, e.Message);
        }

        builder.Services.AddSingleton(store);
        builder.Services.AddDependencyHealthCheck("storage",
            (services, ct) => services.GetRequiredService<IArtifactStore>().CheckHealthAsync(ct));
        return builder;
    }
}
