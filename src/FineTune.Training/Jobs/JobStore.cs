using System.Text.Json;
using FineTune.ServiceDefaults.Http;
using FineTune.ServiceDefaults.Storage;
using FineTune.Storage.Artifacts;

namespace FineTune.Training.Jobs;

/// <summary>
/// Jobs in the artifact store: <c>jobs/{id}/job.json</c>, an ETag-guarded document (see
/// <see cref="JsonDocuments{T}"/>), and an append-only log of events, one object each under
/// <c>jobs/{id}/events/</c>, so progress never contends with state.
/// </summary>
public sealed class JobStore(IArtifactStore store)
{
    private readonly JsonDocuments<TrainingJob> _documents = new(store);

    public static string NewId() => "ftjob-" + Guid.NewGuid().ToString("N")[..24];

    public Task CreateAsync(TrainingJob job, CancellationToken cancellationToken = default) => _documents.CreateAsync(Key(job.Id), job, cancellationToken);

    public async Task<TrainingJob?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        IsId(id) ? (await _documents.GetAsync(Key(id), cancellationToken))?.Document : null;

    /// <summary>Applies <paramref name="change"/> with an ETag check (a null change writes nothing); returns the stored job.</summary>
    public Task<TrainingJob> UpdateAsync(string id, Func<TrainingJob, TrainingJob?> change, CancellationToken cancellationToken = default) =>
        _documents.UpdateAsync(Key(id), change, cancellationToken);

    /// <summary>Every job, newest first.</summary>
    public async Task<IReadOnlyList<TrainingJob>> ListAsync(CancellationToken cancellationToken = default) =>
        [.. (await _documents.ListAsync("jobs/", "/job.json", cancellationToken)).OrderByDescending(j => j.CreatedAt).ThenBy(j => j.Id, StringComparer.Ordinal)];

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

    private static bool IsId(string id) => id.StartsWith("ftjob-", StringComparison.Ordinal) && id.Length <= 64 && id[6..].All(char.IsAsciiLetterOrDigit);

    private static string Key(string id) => $"jobs/{id}/job.json";
}
