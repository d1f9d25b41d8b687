using System.Text.Json;
using FineTune.Datasets.Profiles;
using FineTune.Datasets.Versions;
using FineTune.Storage.Artifacts;

namespace FineTune.Monitoring.Tests.Dashboard;

/// <summary>
/// Writes the scenario's dataset version as curation stores it — the manifest and a card holding the
/// reference profile — so drift has something to compare the served traffic with. The profile matches
/// the scenario's traffic only roughly, so the statistics have visible, non-zero values.
/// </summary>
public static class DatasetReference
{
    public static async Task WriteAsync(IArtifactStore store)
    {
        var counts = new long[64];
        for (var id = 0; id < counts.Length; id++) counts[id] = 1000 / (id + 1);
        var reference = new ReferenceProfile(LengthDistribution.Of(Enumerable.Range(30, 40)), LengthDistribution.Of(Enumerable.Range(15, 30)),
            TokenFrequencyProfile.Of("dashboard-tokenizer", counts));
        var dataset = DashboardScenario.Dataset;
        var card = await store.PutAsync($"datasets/{dataset.DatasetId}/objects/card.json", Json(new { reference }));
        var manifest = new CuratedVersion(dataset.DatasetId, dataset.Version, dataset.Sha256, "chat",
            new CuratedFile($"datasets/{dataset.DatasetId}/objects/train.jsonl", "t", 10, 400),
            new CuratedFile($"datasets/{dataset.DatasetId}/objects/validation.jsonl", "v", 10, 50),
            new CuratedFile($"datasets/{dataset.DatasetId}/objects/test.jsonl", "x", 10, 50),
            Sources: [], Card: new CuratedFile(card.Key, card.Sha256, card.Length));
        await store.PutAsync(DatasetVersionKeys.Manifest(dataset.DatasetId, dataset.Version), Json(manifest));
    }

    private static MemoryStream Json<T>(T value) => new(JsonSerializer.SerializeToUtf8Bytes(value, ArtifactJson.Options));
}
