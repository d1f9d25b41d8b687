using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using FineTune.Models.Adapters;
using FineTune.Models.Llama;
using FineTune.Storage.Artifacts;
using FineTune.Testing;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;

namespace FineTune.Inference.Tests;

/// <summary>The inference service's real Program on a test server (embedded hosting), with helpers to register adapters the way training and the registry store them.</summary>
public sealed class InferenceApp(IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    private readonly TempDirectory _folder = new("inference");

    public IArtifactStore Store => Services.GetRequiredService<IArtifactStore>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Storage:Path", Path.Combine(_folder.Path, "artifacts"));
        builder.UseSetting("Inference:WorkFolder", Path.Combine(_folder.Path, "work"));
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) builder.UseSetting(key, value);
    }

    /// <summary>OpenAI's own .NET client, talking to this server.</summary>
    public ChatClient Chat(string model) => new OpenAIClient(new ApiKeyCredential("test-key"), new OpenAIClientOptions
    {
        Endpoint = new Uri(Server.BaseAddress, "/v1"),
        Transport = new HttpClientPipelineTransport(CreateClient()),
    }).GetChatClient(model);

    public Task PublishAsync(object message) => Services.GetRequiredService<IBus>().Publish(message);

    /// <summary>
    /// A registered version whose model is a LoRA adapter (random, so its answers differ from the base's).
    /// </summary>
    public async Task RegisterAdapterAsync(string name, int version, int seed, bool production, LlamaModel? trainedOn = null)
    {
        var folder = Path.Combine(_folder.Path, $"adapter-{name}-{version}");
        var baseModel = trainedOn ?? LlamaCheckpoints.Load(FineTune.Testing.RepositoryFiles.PathOf("models", "finetune-base"));
        var adapter = LoraAdapter.CreateFor(baseModel, new LoraAdapterConfig { Rank = 4, Alpha = 8, TargetModules = ["q_proj", "v_proj"] }, seed);
        var parameters = new AdapterParameters(adapter, baseModel.Config);
        var random = new Random(seed);
        for (var i = 0; i < parameters.Values.Length; i++) parameters.Values[i] = (float)(random.NextDouble() - 0.5) * 2f; // B starts at zero: make the adapter matter, visibly
        parameters.ToAdapter(baseModel.Config).Save(folder);
        await RegisterOutputAsync(name, version, folder, production, isAdapter: true);
    }

    /// <summary>A registered version whose model is a whole fine-tuned model (the base with its weights perturbed), as full fine-tuning or HFT leave it.</summary>
    public async Task RegisterFullModelAsync(string name, int version, int seed, bool production)
    {
        var folder = Path.Combine(_folder.Path, $"model-{name}-{version}");
        var model = LlamaCheckpoints.Load(FineTune.Testing.RepositoryFiles.PathOf("models", "finetune-base"));
        var random = new Random(seed);
        for (var i = 0; i < model.Parameters.Length; i++) model.Parameters[i] += (float)(random.NextDouble() - 0.5) * 0.2f;
        LlamaCheckpoints.Save(model, folder);
        await RegisterOutputAsync(name, version, folder, production, isAdapter: false);
    }

    // the training job's output and document, the registry's version document, and the production alias
    private async Task RegisterOutputAsync(string name, int version, string folder, bool production, bool isAdapter)
    {
        var jobId = $"ftjob-{name}{version}";
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            await using var content = File.OpenRead(file);
            await Store.PutAsync($"jobs/{jobId}/output/{Path.GetFileName(file)}", content);
        }
        var weights = isAdapter ? "adapter_model.safetensors" : "model.safetensors";
        await Put($"jobs/{jobId}/job.json", new
        {
            id = jobId, model = "finetune-base", status = "succeeded", dataset = new { dataset_id = "tickets", version = 1, sha256 = "x" },
            result = new { weights = new { uri = $"artifacts://jobs/{jobId}/output/{weights}", sha256 = "x", length = 1 }, is_adapter = isAdapter },
        });
        await Put($"registry/models/{name}/versions/{version:D6}.json", new { name, version, job_id = jobId });
        if (production) await Put($"registry/models/{name}/model.json", new { name, aliases = new { production = version } });
    }

    private async Task Put(string key, object value) => await Store.PutAsync(key, new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(value)));

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _folder.Dispose();
    }
}
