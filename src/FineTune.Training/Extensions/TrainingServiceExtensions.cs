using FineTune.Datasets.Versions;
using FineTune.Models;
using FineTune.ServiceDefaults;
using FineTune.ServiceDefaults.Http;
using FineTune.ServiceDefaults.Messaging;
using FineTune.ServiceDefaults.Storage;
using FineTune.Training.Jobs;
using FineTune.Training.Workers;
using MassTransit;

namespace FineTune.Training.Extensions;

public static class TrainingServiceExtensions
{
    /// <summary>The training service's own registrations: settings, storage, jobs, the worker (unless turned off) and messaging.</summary>
    public static IHostApplicationBuilder AddTrainingServices(this IHostApplicationBuilder builder)
    {
        var settings = ReadSettings(builder.Configuration);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings));
        builder.AddArtifactStore();
        builder.AddMessaging(bus =>
        {
            if (settings.Worker) bus.AddConsumer<StartTrainingConsumer, StartTrainingConsumerDefinition>();
        });

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<JobStore>();
        builder.Services.AddSingleton(new BaseModelCatalog(settings.Models));
        builder.Services.AddSingleton<CuratedDatasets>();
        builder.Services.AddSingleton<JobFactory>();
        builder.Services.AddSingleton<JobLeases>();
        builder.Services.AddSingleton<CheckpointSync>();
        builder.Services.AddSingleton<TrainingMetrics>();
        builder.Services.AddScoped<TrainingWorker>();
        builder.Services.ConfigureHttpJsonOptions(options => ServiceJson.Configure(options.SerializerOptions));
        builder.Services.AddOpenApi();
        return builder;
    }

    private static TrainingSettings ReadSettings(IConfiguration configuration)
    {
        var settings = configuration.ReadSettings<TrainingSettings>(TrainingSettings.Section);
        if (settings.WorkerConcurrency is < 1 or > 64) throw new InvalidSettingException("Training:WorkerConcurrency", $"must be in 1..64, got {settings.WorkerConcurrency}.");
        if (settings.ProgressEvery < 1) throw new InvalidSettingException("Training:ProgressEvery", $"must be at least 1, got {settings.ProgressEvery}.");
        if (settings.Lease < TimeSpan.FromSeconds(1)) throw new InvalidSettingException("Training:Lease", $"must be at least 1 second, got {settings.Lease}.");
        if (settings.MemoryLimitBytes is < 1) throw new InvalidSettingException("Training:MemoryLimitBytes", $"must be positive, got {settings.MemoryLimitBytes}.");
        return settings;
    }
}
