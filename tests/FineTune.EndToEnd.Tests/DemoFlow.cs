using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using FineTune.Testing;
using OpenAI.Files;

namespace FineTune.EndToEnd.Tests;

/// <summary>What the demo flow made, shared by the specs that need a served model.</summary>
public sealed record TrainedModel(string FileId, string Dataset, int DatasetVersion, string JobId, string Name, int Version, JsonElement Job, JsonElement RegisteredVersion)
{
    /// <summary>The curated version as a job's <c>training_file</c>.</summary>
    public string TrainingFile => $"{Dataset}:{DatasetVersion}";
}

/// <summary>
/// The README's demo through the gateway: upload the sample with OpenAI's file client, curate it,
/// train a short LoRA job, and wait until the registry serves the evaluated version as production.
/// </summary>
public sealed class DemoFlow(Suite suite)
{
    public const string Dataset = "support";
    public const string Model = "support-bot";
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan RegistryTimeout = TimeSpan.FromMinutes(3);

    public async Task<TrainedModel> RunAsync()
    {
        var files = suite.OpenAi().GetOpenAIFileClient();
        OpenAIFile file = await files.UploadFileAsync(RepositoryFiles.PathOf("samples", "support-chat.jsonl"), FileUploadPurpose.FineTune);

        var curated = await suite.PostJsonAsync($"/api/datasets/{Dataset}/versions", new JsonObject { ["file_ids"] = new JsonArray(file.Id) },
            HttpStatusCode.Created, HttpStatusCode.OK);
        var datasetVersion = curated.GetProperty("version").GetInt32();

        await FineTuningJobs.AllowEveryCandidateAsync(suite, Model);
        // 2 epochs of the sample's train split at batch 8: a dozen steps, seconds of training
        var jobId = await FineTuningJobs.CreateAsync(suite, $"{Dataset}:{datasetVersion}", Model, maxSteps: 12, saveSteps: 6, epochs: 2);
        var job = await FineTuningJobs.SucceededAsync(suite, jobId, JobTimeout);

        var registered = await ModelRegistry.EvaluatedVersionAsync(suite, Model, jobId, RegistryTimeout);
        var version = registered.GetProperty("version").GetProperty("version").GetInt32();
        await ModelRegistry.InProductionAsync(suite, Model, version, RegistryTimeout);
        return new TrainedModel(file.Id, Dataset, datasetVersion, jobId, Model, version, job, registered);
    }
}
