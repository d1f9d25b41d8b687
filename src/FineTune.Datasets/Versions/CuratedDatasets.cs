using System.Text.Json;
using FineTune.Storage.Artifacts;

namespace FineTune.Datasets.Versions;

/// <summary>Curated dataset versions as training reads them: named <c>{dataset}:{version}</c>, found by the curation service's manifest.</summary>
public sealed class CuratedDatasets(IArtifactStore store)
{

    /// <summary>The version <paramref name="reference"/> names; throws <see cref="ArgumentException"/> (param <paramref name="field"/>) when it names none.</summary>
    public async Task<CuratedVersion> FindAsync(string? reference, string field, CancellationToken cancellationToken = default)
    {
        var parts = (reference ?? "").Split(':');
        if (parts.Length != 2 || parts[0].Length == 0 || !int.TryParse(parts[1], out var version) || version < 1)
            throw new ArgumentException($"'{reference}' is not a curated dataset version; curate the file first (POST /api/datasets/{{name}}/versions) and pass '{{name}}:{{version}}', e.g. 'support:1'.", field);
        try
        {
            await using var read = await store.GetAsync(DatasetVersionKeys.Manifest(parts[0], version), cancellationToken: cancellationToken);
            return await JsonSerializer.DeserializeAsync<CuratedVersion>(read.Content, ArtifactJson.Options, cancellationToken)
                ?? throw new InvalidDataException($"The manifest of {reference} is empty.");
        }
        catch (Exception e) when (e is ArtifactNotFoundException or InvalidArtifactKeyException)
        {
            throw new ArgumentException($"No curated dataset version '{reference}'.", field);
        }
    }

    /// <summary>Copies a split to a local file, checking its SHA-256 against the manifest.</summary>
    public async Task DownloadAsync(CuratedFile file, string path, CancellationToken cancellationToken = default)
    {
        // hashed as it is copied: the file is read once
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        await using (var read = await store.GetAsync(file.Key, cancellationToken: cancellationToken))
        await using (var local = File.Create(path))
        {
            var buffer = new byte[1 << 16];
            int count;
            while ((count = await read.Content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, count);
                await local.WriteAsync(buffer.AsMemory(0, count), cancellationToken);
            }
        }
        var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (sha != file.Sha256) throw new InvalidDataException($"'{file.Key}' has SHA-256 {sha}, but its manifest says {file.Sha256}.");
    }
}
