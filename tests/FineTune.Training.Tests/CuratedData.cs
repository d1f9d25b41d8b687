using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FineTune.Datasets.Versions;
using FineTune.ServiceDefaults.Http;
using FineTune.Storage.Artifacts;
using FineTune.Testing;

namespace FineTune.Training.Tests;

/// <summary>
/// Puts a curated dataset version into a store the way the curation service lays it out
/// (<see cref="DatasetVersionKeys"/>): split objects under their SHA-256, then the manifest.
/// The splits are the first lines of the sample support-ticket task.
/// </summary>
internal static class CuratedData
{
    public static async Task<string> WriteAsync(IArtifactStore store, string dataset, int trainLines = 48, int validationLines = 16, int version = 1)
    {
        var folder = RepositoryFiles.PathOf("samples", "tasks", "support_tickets");
        var train = await PutAsync(store, dataset, File.ReadLines(Path.Combine(folder, "train.jsonl")).Take(trainLines));
        var validation = await PutAsync(store, dataset, File.ReadLines(Path.Combine(folder, "validation.jsonl")).Take(validationLines));
        var test = await PutAsync(store, dataset, File.ReadLines(Path.Combine(folder, "test.jsonl")).Take(8));
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{train.Sha256}{validation.Sha256}{test.Sha256}")));
        var manifest = new CuratedVersion(dataset, version, sha, "chat", train, validation, test);
        await store.PutAsync(DatasetVersionKeys.Manifest(dataset, version), new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, ServiceJson.Options)));
        return $"{dataset}:{version}";
    }

    private static async Task<CuratedFile> PutAsync(IArtifactStore store, string dataset, IEnumerable<string> lines)
    {
        var list = lines.ToList();
        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', list) + "\n");
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var key = DatasetVersionKeys.Object(dataset, sha, "jsonl");
        await store.PutAsync(key, new MemoryStream(bytes));
        return new CuratedFile(key, sha, bytes.Length, list.Count);
    }
}
