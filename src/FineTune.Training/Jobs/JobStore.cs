using System.Text.Json;
using FineTune.ServiceDefaults.Http;
using FineTune.Storage.Artifacts;

namespace FineTune.Training.Jobs;

/// <summary>
/// Jobs in the artifact store: <c>jobs/{id}/job.json</c>, changed only through <see cref="UpdateAsync"/>
/// (read, change, write with If-Match; on a lost race read again and re-apply), and an append-only
/// log of events, one object each under <c>jobs/{id}/events/</c>, so progress never contends with state.
/// </summary>
public sealed class JobStore(IArtifactStore store)
{
    private const int MaxRaces = 50;

    public static string NewId() => "ftjob-" + Guid.NewGuid().ToString("N")[..24];

    public async Task CreateAsync(TrainingJob job, CancellationToken cancellationToken = default) =>
        await store.PutAsync(Key(job.Id), Serialize(job), new PutOptions { IfNoneMatch = "*", ContentType = "application/json" }, cancellationToken);

    public async Task<TrainingJob?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        IsId(id) ? (await ReadAsync(id, cancellationToken))?.Job : null;

    /// <summary>
    /// Applies <paramref name="change"/> to the current job and writes it only if nobody wrote in between;
    /// returns the stored job. A change that returns null writes nothing (the job is left as it is).
    /// </summary>
    public async Task<TrainingJob> UpdateAsync(string id, Func<TrainingJob, TrainingJob?> change, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (job, etag) = await ReadAsync(id, cancellationToken) ?? throw new KeyNotFoundException($"No job with id '{id}'.");
            if (change(job) is not { } changed) return job;
            try
            {
                await store.PutAsync(Key(id), Serialize(changed), new PutOptions { IfMatch = etag, ContentType = "application/json" }, cancellationToken);
                return changed;
            }
            catch (ArtifactPreconditionFailedException) when (attempt < MaxRaces)
            {
                // someone else wrote first: apply the change to what they wrote
            }
        }
    }

    /// <summary>Every job, newest first.</summary>
    public async Task<IReadOnlyList<TrainingJob>> ListAsync(CancellationToken cancellationToken = default)
    {
        var jobs = new List<TrainingJob>();
        await foreach (var info in store.ListAsync("jobs/", cancellationToken))
            if (info.Key.EndsWith("/job.json", StringComparison.Ordinal) && await GetAsync(info.Key.Split('/')[1], cancellationToken) is { } job)
                jobs.Add(job);
        return [.. jobs.OrderByDescending(j => j.CreatedAt).ThenBy(j => j.Id, StringComparer.Ordinal)];
    }

    public async Task AddEventAsync(string id, JobEvent entry, CancellationToken cancellationToken = default) =>
        await store.PutAsync($"jobs/{id}/events/{entry.Id}", new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(entry, ServiceJson.Options)),
            new PutOptions { ContentType = "application/json" }, cancellationToken);

    /// <summary>The job's events, oldest first.</summary>
    public async Task<IReadOnlyList<JobEvent>> EventsAsync(string id, CancellationToken cancellationToken = default)
    {
        var events = new List<JobEvent>();
        await foreach (var info in store.ListAsync($"jobs/{id}/events/", cancellationToken))
        {
            await using var read = await store.GetAsync(info.Key, cancellationToken: cancellationToken);
            events.Add((await JsonSerializer.DeserializeAsync<JobEvent>(read.Content, ServiceJson.Options, cancellationToken))!);
        }
        return events;
    }

    private async Task<(TrainingJob Job, string ETag)?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await using var read = await store.GetAsync(Key(id), cancellationToken: cancellationToken);
            var job = await JsonSerializer.DeserializeAsync<TrainingJob>(read.Content, ServiceJson.Options, cancellationToken)
                ?? throw new InvalidDataException($"The job document '{Key(id)}' is empty.");
            return (job, read.Info.ETag);
        }
        catch (ArtifactNotFoundException) { return null; }
    }

    private static MemoryStream Serialize(TrainingJob job) => new(JsonSerializer.SerializeToUtf8Bytes(job, ServiceJson.Options));

    private static bool IsId(string id) => id.StartsWith("ftjob-", StringComparison.Ordinal) && id.Length <= 64 && id[6..].All(char.IsAsciiLetterOrDigit);

    private static string Key(string id) => $"jobs/{id}/job.json";
}
