using FineTune.Curation.Augmentation;
using FineTune.Curation.Cards;
using FineTune.Curation.Consumers;
using FineTune.Curation.Files;
using FineTune.Curation.Pipeline;
using FineTune.Curation.Versions;
using FineTune.ServiceDefaults;
using FineTune.ServiceDefaults.Http;
using FineTune.ServiceDefaults.Messaging;
using FineTune.ServiceDefaults.Storage;

namespace FineTune.Curation.Extensions;

public static class CurationServiceExtensions
{
    /// <summary>The curation service's own registrations: settings, storage, the pipeline, messaging and JSON.</summary>
    public static IHostApplicationBuilder AddCurationServices(this IHostApplicationBuilder builder)
    {
        var settings = ReadSettings(builder.Configuration);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings));
        builder.AddArtifactStore();
        builder.AddMessaging(bus => bus.AddConsumer<RetrainingRequestedConsumer>());

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<FileStore>();
        builder.Services.AddSingleton<DatasetVersionStore>();
        builder.Services.AddSingleton<FeedbackLog>();
        builder.Services.AddSingleton<KeyedLocks>();
        builder.Services.AddSingleton<CurationMetrics>();
        builder.Services.AddSingleton(_ => TokenCounter.Load(settings.Tokenizer));
        // WordNet is opened on the first run that augments, not at start-up
        builder.Services.AddSingleton(_ => new Lazy<WordNetSynonyms>(() => WordNetSynonyms.Load(settings.WordNet)));
        builder.Services.AddSingleton(services => new CurationPipeline(services.GetRequiredService<TokenCounter>(),
            () => services.GetRequiredService<Lazy<WordNetSynonyms>>().Value));
        builder.Services.AddScoped<DatasetCurator>();
        builder.Services.ConfigureHttpJsonOptions(options => ServiceJson.Configure(options.SerializerOptions));
        return builder;
    }

    private static CurationSettings ReadSettings(IConfiguration configuration)
    {
        var settings = configuration.ReadSettings<CurationSettings>(CurationSettings.Section);
        if (settings.MaxUploadBytes < 1) throw new InvalidSettingException("Curation:MaxUploadBytes", $"must be positive, got {settings.MaxUploadBytes}.");
        if (settings.MaxErrorRate is < 0 or > 1) throw new InvalidSettingException("Curation:MaxErrorRate", $"must be in [0, 1], got {settings.MaxErrorRate}.");
        if (!File.Exists(settings.Tokenizer)) throw new InvalidSettingException("Curation:Tokenizer", $"'{settings.Tokenizer}' does not exist.");
        return settings;
    }
}
