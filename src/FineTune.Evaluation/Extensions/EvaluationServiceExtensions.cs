using FineTune.Models.Artifacts;
using FineTune.Datasets.Safety;
using FineTune.Datasets.Versions;
using FineTune.Evaluation.Bias;
using FineTune.Evaluation.Consumers;
using FineTune.Evaluation.Gate;
using FineTune.Evaluation.Runs;
using FineTune.Evaluation.Safety;
using FineTune.Models;
using FineTune.ServiceDefaults;
using FineTune.ServiceDefaults.Http;
using FineTune.ServiceDefaults.Messaging;
using FineTune.ServiceDefaults.Storage;
using MassTransit;

namespace FineTune.Evaluation.Extensions;

public static class EvaluationServiceExtensions
{
    /// <summary>The evaluation service's registrations: settings, storage, the shipped red-team set, screen and probes, the runner, messaging.</summary>
    public static IHostApplicationBuilder AddEvaluationServices(this IHostApplicationBuilder builder)
    {
        var settings = builder.Configuration.ReadSettings<EvaluationSettings>(EvaluationSettings.Section);
        if (settings.TestLimit < 1) throw new InvalidSettingException("Evaluation:TestLimit", $"must be at least 1, got {settings.TestLimit}.");
        if (settings.FewShot < 0) throw new InvalidSettingException("Evaluation:FewShot", $"must be ≥ 0, got {settings.FewShot}.");
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings));
        builder.AddArtifactStore();
        builder.AddMessaging(bus =>
        {
            bus.AddConsumer<TrainingCompletedConsumer>();
            // one evaluation at a time per process: each already uses every core
            bus.AddConsumer<EvaluateModelConsumer>().Endpoint(e => { e.Name = "evaluate-model"; e.ConcurrentMessageLimit = 1; });
        });

        builder.Services.AddSingleton(new BaseModelCatalog(settings.Models));
        builder.Services.AddSingleton<ISafetyScreen>(_ => LexiconSafetyScreen.Default);
        builder.Services.AddSingleton(_ => BiasProbes.Load());
        builder.Services.AddSingleton(_ => RedTeamSet.Load());
        builder.Services.AddSingleton<EvaluationRunner>();
        builder.Services.AddSingleton<CuratedDatasets>();
        builder.Services.AddSingleton<TrainedModels>();
        builder.Services.AddSingleton<ProductionModels>();
        builder.Services.AddSingleton<PolicyStore>();
        builder.Services.AddSingleton<EvaluationStore>();
        builder.Services.AddScoped<Evaluator>();
        builder.Services.ConfigureHttpJsonOptions(options => ServiceJson.Configure(options.SerializerOptions));
        return builder;
    }
}
