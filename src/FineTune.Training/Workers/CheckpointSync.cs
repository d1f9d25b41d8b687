using FineTune.Models.Training;
using FineTune.Storage.Artifacts;
using FineTune.Training.Jobs;

namespace FineTune.Training.Workers;

/// <summary>
/// Copies the trainer's local checkpoint folder to the artifact store (<c>jobs/{id}/checkpoints/step-000040/…</c>)
/// and back. A checkpoint is recorded in the job only after all its files are stored, so a worker that
/// takes the job over always finds a whole one; the two newest are kept.
/// </summary>
public sealed class CheckpointSync(IArtifactStore store, JobStore jobs)
{
    private const int Kept = 2;

    public async Task UploadAsync(string jobId, string folder, int step, double trainLoss, double? validationLoss, CancellationToken cancellationToken)
    {
        var prefix = $"jobs/{jobId}/checkpoints/step-{step:D6}/";
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            await using var content = File.OpenRead(file);
            await store.PutAsync(prefix + Path.GetRelativePath(folder, file).Replace('\\', '/'), content, cancellationToken: cancellationToken);
        }
        var checkpoint = new JobCheckpoint($"ftckpt-{jobId[6..]}-{step:D6}", step, prefix, DateTimeOffset.UtcNow, trainLoss, validationLoss);
        var job = await jobs.UpdateAsync(jobId, j => j with { Checkpoints = [.. j.Checkpoints.Where(c => c.Step != step), checkpoint] }, cancellationToken);
        foreach (var old in job.Checkpoints.OrderByDescending(c => c.Step).Skip(Kept).ToList())
        {
            await foreach (var info in store.ListAsync(old.Prefix, cancellationToken)) await store.DeleteAsync(info.Key, cancellationToken: cancellationToken);
            await jobs.UpdateAsync(jobId, j => j with { Checkpoints = [.. j.Checkpoints.Where(c => c.Step != old.Step)] }, cancellationToken);
        }
    }

    /// <summary>Puts the job's newest stored checkpoint into <paramref name="runFolder"/>, where the trainer resumes from it; false when there is none.</summary>
    public async Task<bool> DownloadLatestAsync(TrainingJob job, string runFolder, CancellationToken cancellationToken)
    {
        if (job.Checkpoints.MaxBy(c => c.Step) is not { } latest) return false;
        var target = Path.Combine(runFolder, TrainingCheckpoint.FolderName);
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        await foreach (var info in store.ListAsync(latest.Prefix, cancellationToken))
        {
            var path = Path.Combine(target, info.Key[latest.Prefix.Length..]);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using var read = await store.GetAsync(info.Key, cancellationToken: cancellationToken);
            await using var local = File.Create(path);
            await read.Content.CopyToAsync(local, cancellationToken);
        }
        return true;
    }
}
