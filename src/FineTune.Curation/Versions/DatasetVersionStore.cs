using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FineTune.Curation.Pipeline;
using FineTune.Datasets.Versions;
using FineTune.ServiceDefaults.Http;
using FineTune.ServiceDefaults.Storage;
using FineTune.Storage.Artifacts;

namespace FineTune.Curation.Versions;

/// <summary>
/// Dataset versions in the artifact store:
/// <code>
/// datasets/{name}/objects/{sha256}.{jsonl|json}   content-addressed, written once
/// datasets/{name}/versions/{000001}.json          the manifest, create-only, written last
/// </code>
/// A crash before the manifest leaves only unreferenced objects (harmless: the next run writes the
/// same bytes to the same keys); two writers racing for a number both use create-only, so one gets
/// it and the other takes the next.
/// </summary>
public sealed class DatasetVersionStore(IArtifactStore store)
{
    public async Task<DatasetManifest> CreateAsync(string dataset, CurationOutcome outcome, IReadOnlyList<string> sources,
        CurationOptions options, string requestKey, Guid? retrainingRequestId, CancellationToken cancellationToken = default)
    {
        DatasetNames.Validate(dataset);
        var train = await PutLinesAsync(dataset, outcome.Train, cancellationToken);
        var validation = await PutLinesAsync(dataset, outcome.Validation, cancellationToken);
        var test = await PutLinesAsync(dataset, outcome.Test, cancellationToken);
        var report = await PutJsonAsync(dataset, outcome.Report, cancellationToken);
        var card = await PutJsonAsync(dataset, outcome.Card, cancellationToken);
        var folds = outcome.TrainFolds is null ? null : await PutJsonAsync(dataset, outcome.TrainFolds, cancellationToken);
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"train:{train.Sha256}\nvalidation:{validation.Sha256}\ntest:{test.Sha256}\n")));

        return await NumberedDocuments.CreateNextAsync(async ct => (await ListAsync(dataset, ct)).LastOrDefault()?.Version ?? 0,
            number => new DatasetManifest(dataset, number, sha, outcome.Report.TaskType, DateTimeOffset.UtcNow, sources, options, requestKey,
                train, validation, test, report, card, folds, outcome.Card.ClassWeights, retrainingRequestId, outcome.Canaries),
            (manifest, ct) => store.PutAsync(ManifestKey(dataset, manifest.Version), new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, ServiceJson.Options)),
                new PutOptions { IfNoneMatch = "*", ContentType = "application/json" }, ct),
            cancellationToken);
    }

    /// <summary>Every version of the dataset, oldest first.</summary>
    public async Task<IReadOnlyList<DatasetManifest>> ListAsync(string dataset, CancellationToken cancellationToken = default)
    {
        DatasetNames.Validate(dataset);
        var manifests = new List<DatasetManifest>();
        await foreach (var info in store.ListAsync($"datasets/{dataset}/versions/", cancellationToken))
            manifests.Add(await ReadAsync(info.Key, cancellationToken));
        return [.. manifests.OrderBy(m => m.Version)];
    }

    /// <summary>The version, or null when it does not exist.</summary>
    public async Task<DatasetManifest?> GetAsync(string dataset, int version, CancellationToken cancellationToken = default)
    {
        DatasetNames.Validate(dataset);
        if (version < 1) return null;
        try { return await ReadAsync(ManifestKey(dataset, version), cancellationToken); }
        catch (ArtifactNotFoundException) { return null; }
    }

    /// <summary>The names of every dataset with at least one version.</summary>
    public async Task<IReadOnlyList<string>> ListDatasetsAsync(CancellationToken cancellationToken = default)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var info in store.ListAsync("datasets/", cancellationToken))
        {
            var parts = info.Key.Split('/');
            if (parts is [_, var name, "versions", _]) names.Add(name);
        }
        return [.. names];
    }

    public async Task<ArtifactReadResult> OpenAsync(CuratedFile file, CancellationToken cancellationToken = default) =>
        await store.GetAsync(file.Key, cancellationToken: cancellationToken);

    public async Task<T> ReadJsonAsync<T>(CuratedFile file, CancellationToken cancellationToken = default)
    {
        await using var read = await store.GetAsync(file.Key, cancellationToken: cancellationToken);
        return await JsonSerializer.DeserializeAsync<T>(read.Content, ServiceJson.Options, cancellationToken)
            ?? throw new InvalidDataException($"'{file.Key}' holds no JSON document.");
    }

    private static string ManifestKey(string dataset, int version) => DatasetVersionKeys.Manifest(dataset, version);

    private async Task<DatasetManifest> ReadAsync(string key, CancellationToken cancellationToken)
    {
        await using var read = await store.GetAsync(key, cancellationToken: cancellationToken);
        return await JsonSerializer.DeserializeAsync<DatasetManifest>(read.Content, ServiceJson.Options, cancellationToken)
            ?? throw new InvalidDataException($"The manifest '{key}' is empty.");
    }

    private async Task<CuratedFile> PutLinesAsync(string dataset, IReadOnlyList<string> lines, CancellationToken cancellationToken)
    {
        // spooled to a temporary file: the key is the content's hash, known only once it is all written
        await using var spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        await using (var writer = new StreamWriter(spool, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
            foreach (var line in lines) { await writer.WriteAsync(line); await writer.WriteAsync('\n'); }
        return await PutObjectAsync(dataset, spool, "jsonl", "application/jsonl", lines.Count, cancellationToken);
    }

    private async Task<CuratedFile> PutJsonAsync<T>(string dataset, T document, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(document, ServiceJson.Options));
        return await PutObjectAsync(dataset, buffer, "json", "application/json", null, cancellationToken);
    }

    private async Task<CuratedFile> PutObjectAsync(string dataset, Stream content, string extension, string contentType, long? records, CancellationToken cancellationToken)
    {
        content.Position = 0;
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken));
        var key = DatasetVersionKeys.Object(dataset, sha, extension);
        if (await store.GetInfoAsync(key, cancellationToken) is null)
        {
            content.Position = 0;
            try { await store.PutAsync(key, content, new PutOptions { IfNoneMatch = "*", ContentType = contentType }, cancellationToken); }
            catch (ArtifactPreconditionFailedException) { /* the same bytes were written by someone else: the key is the content */ }
        }
        return new CuratedFile(key, sha, content.Length, records);
    }
}
