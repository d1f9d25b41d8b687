using FineTune.Storage.Artifacts;

namespace FineTune.Curation.Versions;

/// <summary>
/// The feedback files collected for a dataset (corrected answers, flagged conversations), each an
/// empty marker object <c>datasets/{name}/feedback/{file-id}</c>. A retraining run curates the
/// previous version's sources plus every feedback file it did not have yet.
/// </summary>
public sealed class FeedbackLog(IArtifactStore store)
{
    public async Task AddAsync(string dataset, string fileId, CancellationToken cancellationToken = default)
    {
        try { await store.PutAsync(Key(dataset, fileId), new MemoryStream(), PutOptions.CreateOnly, cancellationToken); }
        catch (ArtifactPreconditionFailedException) { /* already collected: adding twice changes nothing */ }
    }

    public async Task<IReadOnlyList<string>> ListAsync(string dataset, CancellationToken cancellationToken = default)
    {
        var ids = new List<string>();
        await foreach (var info in store.ListAsync($"datasets/{DatasetNames.Validate(dataset)}/feedback/", cancellationToken))
            ids.Add(info.Key[(info.Key.LastIndexOf('/') + 1)..]);
        return ids;
    }

    private static string Key(string dataset, string fileId) => $"datasets/{DatasetNames.Validate(dataset)}/feedback/{fileId}";
}
