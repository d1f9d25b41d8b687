using System.Collections.Concurrent;
using System.Text.Json;
using FineTune.Contracts;
using FineTune.Datasets.Versions;
using FineTune.ServiceDefaults.Http;
using FineTune.Storage.Artifacts;
using FineTune.Testing;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FineTune.Registry.Tests;

/// <summary>The registry's real Program on a test server; embedded hosting unless settings point it at RabbitMQ and Azurite.</summary>
public sealed class RegistryApp(IReadOnlyDictionary<string, string?>? settings = null, string? storage = null) : WebApplicationFactory<Program>
{
    private readonly TempDirectory _folder = new("registry");

    public IArtifactStore Store => Services.GetRequiredService<IArtifactStore>();

    public ConcurrentQueue<object> Heard { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Storage:Path", storage ?? Path.Combine(_folder.Path, "artifacts"));
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) builder.UseSetting(key, value);
    }

    /// <summary>Collects the registry's announcements from the bus.</summary>
    public async Task ListenAsync()
    {
        var handle = Services.GetRequiredService<IBus>().ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), KebabCaseEndpointNameFormatter.Instance, endpoint =>
        {
            endpoint.Handler<ModelRegistered>(c => { Heard.Enqueue(c.Message); return Task.CompletedTask; });
            endpoint.Handler<ModelPromoted>(c => { Heard.Enqueue(c.Message); return Task.CompletedTask; });
            endpoint.Handler<ModelRolledBack>(c => { Heard.Enqueue(c.Message); return Task.CompletedTask; });
        });
        await handle.Ready;
    }

    public Task PublishAsync(object message) => Services.GetRequiredService<IBus>().Publish(message);

    public async Task<T> EventuallyAsync<T>(Func<T, bool> match) where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (Heard.OfType<T>().FirstOrDefault(match) is { } found) return found;
            await Task.Delay(50);
        }
        throw new TimeoutException($"No matching {typeof(T).Name}; heard: {string.Join(", ", Heard.Select(h => h.GetType().Name))}.");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _folder.Dispose();
    }
}

/// <summary>The events the registry consumes, as training and evaluation send them.</summary>
internal static class Outcomes
{
    public static readonly DatasetRef Dataset = new("tickets", 1, "ab12cd34");

    public static TrainingCompleted Trained(string jobId, string suffix = "support-bot") => new(jobId, Dataset, "finetune-base", FineTuningMethod.Lora,
        new TrainingHyperparameters(2, 8, 3e-3, LoraRank: 8, LoraAlpha: 16, LoraDropout: 0.05, TargetModules: ["q_proj", "v_proj"]),
        new ArtifactRef($"artifacts://jobs/{jobId}/output/adapter_model.safetensors", $"sha-{jobId}", 1234), true, suffix, 40, 0.42, 0.51, DateTimeOffset.UtcNow);

    public static EvaluationCompleted Evaluated(string jobId, bool passed) => new($"eval-{jobId}", jobId, null,
        new ArtifactRef($"artifacts://jobs/{jobId}/output/adapter_model.safetensors", $"sha-{jobId}", 1234), Dataset,
        new ArtifactRef($"artifacts://evaluations/eval-{jobId}/report.json", "r", 10), passed,
        new Dictionary<string, double> { ["task_score"] = passed ? 0.8 : 0.1, ["unsafe_rate"] = 0 }, passed ? [] : ["min_task_score"], DateTimeOffset.UtcNow);

    /// <summary>The dataset version and the raw file it came from, as curation stores them, so lineage can be walked to the upload.</summary>
    public static async Task WriteDatasetAsync(IArtifactStore store)
    {
        var card = await store.PutAsync("datasets/tickets/objects/card.json", Json(new { split_records = new { train = 40, validation = 5, test = 5 }, steps = new[] { new { step = "ingest", records_in = 52, records_out = 50 } }, pii_redacted = new { Email = 3 } }));
        var manifest = new CuratedVersion("tickets", 1, Dataset.Sha256, "chat", new CuratedFile("datasets/tickets/objects/t.jsonl", "t", 10, 40),
            new CuratedFile("datasets/tickets/objects/v.jsonl", "v", 10, 5), new CuratedFile("datasets/tickets/objects/x.jsonl", "x", 10, 5),
            Sources: ["file-raw1"], Card: new CuratedFile(card.Key, card.Sha256, card.Length));
        await store.PutAsync(DatasetVersionKeys.Manifest("tickets", 1), Json(manifest));
        await store.PutAsync("files/file-raw1/file.json", Json(new { id = "file-raw1", filename = "tickets-raw.jsonl", bytes = 52_000, sha256 = "feedface", purpose = "fine-tune" }));
    }

    private static MemoryStream Json<T>(T value) => new(JsonSerializer.SerializeToUtf8Bytes(value, ServiceJson.Options));
}
