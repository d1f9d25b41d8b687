using FineTune.Inference.Consumers;
using FineTune.Inference.Serving;
using FineTune.Models;
using FineTune.Models.Artifacts;
using FineTune.ServiceDefaults;
using FineTune.ServiceDefaults.Http;
using FineTune.ServiceDefaults.Messaging;
using FineTune.ServiceDefaults.Storage;

namespace FineTune.Inference.Extensions;

public static class InferenceServiceExtensions
{
    /// <summary>The inference service's registrations: storage, the model catalog, and the consumer that switches versions.</summary>
    public static IHostApplicationBuilder AddInferenceServices(this IHostApplicationBuilder builder)
    {
        var settings = builder.Configuration.ReadSettings<InferenceSettings>(InferenceSettings.Section);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings));
        builder.AddArtifactStore();
        builder.AddMessaging(bus => bus.AddConsumer<ModelMovedConsumer>());
        builder.Services.AddSingleton(new BaseModelCatalog(settings.Models));
        builder.Services.AddSingleton<ProductionModels>();
        builder.Services.AddSingleton<TrainedModels>();
        builder.Services.AddSingleton<ModelCatalog>();
        builder.AddRedisCache();
        builder.Services.AddSingleton<InferenceMetrics>();
        builder.Services.AddSingleton<ResultCache>();
        builder.Services.AddSingleton<InferenceRecords>();
        builder.Services.AddHostedService(services => services.GetRequiredService<InferenceRecords>());
        builder.Services.ConfigureHttpJsonOptions(options => ServiceJson.Configure(options.SerializerOptions));
        return builder;
    }
}
