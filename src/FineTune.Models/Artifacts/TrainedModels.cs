using System.Text.Json;
using FineTune.Contracts;
using FineTune.Models;
using FineTune.Models.Adapters;
using FineTune.Models.Llama;
using FineTune.Storage.Artifacts;

namespace FineTune.Models.Artifacts;

/// <summary>
/// The models a training job made, read from the training service's job document
/// (<c>jobs/{id}/job.json</c>) and its output folder (<c>jobs/{id}/output/</c>): a PEFT adapter is
/// merged into its base (or, for serving, kept beside it), a full model is loaded as it is.
/// </summary>
public sealed class TrainedModels(IArtifactStore store, BaseModelCatalog models)
{
    /// <summary>The part of a training job's document evaluation needs.</summary>
    public sealed record TrainedJob(string Id, string Model, DatasetRef Dataset, string Status, TrainedResult? Result);

    public sealed record TrainedResult(ArtifactRef Weights, bool IsAdapter);

    /// <summary>The job, finished with a model; throws <see cref="ArgumentException"/> (param <paramref name="field"/>) otherwise.</summary>
    public async Task<TrainedJob> FindAsync(string jobId, string field, CancellationToken cancellationToken)
    {
        try
        {
            await using var read = await store.GetAsync($"jobs/{jobId}/job.json", cancellationToken: cancellationToken);
            var job = await JsonSerializer.DeserializeAsync<TrainedJob>(read.Content, ArtifactJson.Options, cancellationToken);
            if (job is not { Status: "succeeded", Result: not null })
                throw new ArgumentException($"Training job '{jobId}' has no model to evaluate (status {job?.Status}).", field);
            return job;
        }
        catch (Exception e) when (e is ArtifactNotFoundException or InvalidArtifactKeyException)
        {
            throw new ArgumentException($"No training job '{jobId}'.", field);
        }
    }

    /// <summary>Downloads the job's output and loads the model it makes on top of <paramref name="baseModel"/>.</summary>
    public async Task<LlamaModel> LoadAsync(TrainedJob job, LlamaModel baseModel, string workFolder, CancellationToken cancellationToken)
    {
        var folder = await DownloadAsync(job, workFolder, cancellationToken);
        return job.Result!.IsAdapter
            ? AdapterMerge.Merge(baseModel, new AdapterParameters(LoadAdapter(job, folder, baseModel), baseModel.Config))
            : LlamaCheckpoints.Load(folder);
    }

    /// <summary>The job's output (a PEFT adapter or a whole model) copied into <c>{workFolder}/{job id}</c>; returns that folder.</summary>
    public async Task<string> DownloadAsync(TrainedJob job, string workFolder, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(workFolder, job.Id);
        Directory.CreateDirectory(folder);
        var prefix = $"jobs/{job.Id}/output/";
        await foreach (var info in store.ListAsync(prefix, cancellationToken))
        {
            await using var read = await store.GetAsync(info.Key, cancellationToken: cancellationToken);
            await using var local = File.Create(Path.Combine(folder, info.Key[prefix.Length..]));
            await read.Content.CopyToAsync(local, cancellationToken);
        }
        return folder;
    }

    /// <summary>The adapter in a downloaded job folder, checked against its base (shapes, and the base's name when the adapter records one).</summary>
    public static LoraAdapter LoadAdapter(TrainedJob job, string folder, LlamaModel baseModel) => LoraAdapter.Load(folder, baseModel.Config, job.Model);

    public LlamaModel LoadBase(string name) => LlamaCheckpoints.Load(models.Folder(name));
}
