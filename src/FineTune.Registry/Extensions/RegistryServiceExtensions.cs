using FineTune.Datasets.Versions;
using FineTune.Registry.Consumers;
using FineTune.Registry.Models;
using FineTune.ServiceDefaults;
using FineTune.ServiceDefaults.Http;
using FineTune.ServiceDefaults.Messaging;
using FineTune.ServiceDefaults.Storage;

namespace FineTune.Registry.Extensions;

public static class RegistryServiceExtensions
{
    /// <summary>The registry's registrations: storage, its rules, lineage, and the consumers of training and evaluation outcomes.</summary>
    public static IHostApplicationBuilder AddRegistryServices(this IHostApplicationBuilder builder)
    {
        builder.AddArtifactStore();
        builder.AddMessaging(bus =>
        {
            bus.AddConsumer<TrainingCompletedConsumer>();
            bus.AddConsumer<EvaluationCompletedConsumer>();
        });
        builder.Services.AddSingleton<RegistryStore>();
        builder.Services.AddSingleton<KeyedLocks>();
        builder.Services.AddSingleton<CuratedDatasets>();
        builder.Services.AddSingleton<LineageReader>();
        builder.Services.AddScoped<ModelRegistry>();
        builder.Services.ConfigureHttpJsonOptions(options => ServiceJson.Configure(options.SerializerOptions));
        return builder;
    }
}
