using System.Text.Json;
using FineTune.Contracts;
using FineTune.Datasets.Profiles;
using FineTune.Datasets.Versions;
using FineTune.Monitoring.Analysis;
using FineTune.Monitoring.Consumers;
using FineTune.ServiceDefaults.Http;
using FineTune.Storage.Artifacts;
using FineTune.Testing;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FineTune.Monitoring.Tests.Analysis;

/// <summary>
/// The monitoring service on a test server with MassTransit's test harness for a bus and the timer
/// off, so each test decides when drift and SLOs are evaluated; plus a registered model version
/// whose lineage leads to a dataset card with a known reference profile.
/// </summary>
public sealed class AnalysisApp : WebApplicationFactory<Program>
{
    public static readonly ModelRef Model = new("support-bot", 1);
    public static readonly DatasetRef Dataset = new("tickets", 2, "feedbeef");

    private readonly TempDirectory? _folder;
    private readonly string _storagePath;

    /// <summary>A service on its own storage, or — for a restart — on <paramref name="storagePath"/>, which the caller owns.</summary>
    public AnalysisApp(string? storagePath = null)
    {
        if (storagePath is null) _folder = new TempDirectory("monitoring-analysis");
        _storagePath = storagePath ?? Path.Combine(_folder!.Path, "artifacts");
    }

    public ITestHarness Harness => Services.GetTestHarness();

    public AnalysisService Analysis => Services.GetRequiredService<AnalysisService>();

    public IArtifactStore Store => Services.GetRequiredService<IArtifactStore>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Storage:Path", _storagePath);
        builder.UseSetting($"{AnalysisSettings.Section}:EvaluationInterval", "00:00:00");
        builder.ConfigureServices(services => services.AddMassTransitTestHarness());
    }

    /// <summary>Starts the host and writes <see cref="Model"/>'s lineage: registry version → job → manifest → card.</summary>
    public async Task StartAsync()
    {
        _ = Services;
        await Harness.Start();
        await PutAsync($"registry/models/{Model.Name}/versions/{Model.Version:D6}.json", new { name = Model.Name, version = Model.Version, job_id = "ftjob-1" });
        await PutAsync("jobs/ftjob-1/job.json", new { id = "ftjob-1", dataset = Dataset });
        var card = await PutAsync("datasets/tickets/objects/card.json", new { task_type = "chat", reference = Traffic.Reference });
        var manifest = new CuratedVersion(Dataset.DatasetId, Dataset.Version, Dataset.Sha256, "chat", new CuratedFile("t", "t", 1), new CuratedFile("v", "v", 1),
            new CuratedFile("x", "x", 1), Card: new CuratedFile(card.Key, card.Sha256, card.Length));
        await PutAsync(DatasetVersionKeys.Manifest(Dataset.DatasetId, Dataset.Version), manifest);
    }

    /// <summary>Publishes records through the bus and waits until the consumer has taken every one of them.</summary>
    public async Task ReplayAsync(IReadOnlyList<InferenceRecorded> records)
    {
        var consumer = Harness.GetConsumerHarness<InferenceRecordedConsumer>();
        var expected = consumer.Consumed.Select<InferenceRecorded>().Count() + records.Count;
        foreach (var record in records) await Harness.Bus.Publish(record);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (consumer.Consumed.Select<InferenceRecorded>().Count() < expected)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The consumer took {consumer.Consumed.Select<InferenceRecorded>().Count()} of {expected} records.");
            await Task.Delay(10);
        }
    }

    /// <summary>Replays each minute's records and evaluates after each, as the timer would.</summary>
    public async Task ReplayMinutesAsync(IEnumerable<IReadOnlyList<InferenceRecorded>> minutes)
    {
        foreach (var minute in minutes)
        {
            await ReplayAsync(minute);
            await Analysis.EvaluateAsync();
        }
    }

    public IReadOnlyList<T> Published<T>() where T : class => [.. Harness.Published.Select<T>().Select(p => p.Context.Message)];

    private Task<ArtifactInfo> PutAsync<T>(string key, T value) => Store.PutAsync(key, new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(value, ServiceJson.Options)));

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _folder?.Dispose();
    }
}
