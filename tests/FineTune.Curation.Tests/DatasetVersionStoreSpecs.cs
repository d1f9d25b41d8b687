using FineTune.Curation.Pipeline;
using FineTune.Curation.Versions;
using FineTune.Storage.Artifacts;
using FineTune.Storage.Artifacts.FileSystem;
using FineTune.Testing;

namespace FineTune.Curation.Tests;

/// <summary>Versions are content-addressed, immutable, numbered without gaps or twins, and never visible half-written.</summary>
public sealed class DatasetVersionStoreSpecs : IDisposable
{
    private readonly TempDirectory _folder = new();

    private static readonly Lazy<CurationOutcome> Outcome = new(() =>
        RawSamples.Pipeline().RunAsync([CurationSource.FromFile(RawSamples.File("support_tickets"))], new CurationOptions()).GetAwaiter().GetResult());

    public void Dispose() => _folder.Dispose();

    private Task<DatasetManifest> Create(IArtifactStore store, string requestKey = "k1") =>
        new DatasetVersionStore(store).CreateAsync("tickets", Outcome.Value, ["file-1"], new CurationOptions(), requestKey, null);

    [Fact]
    public async Task A_version_is_addressed_by_its_content_and_the_same_data_gives_the_same_hash()
    {
        var store = new FileSystemArtifactStore(_folder.Path);

        var first = await Create(store, "k1");
        var second = await Create(store, "k2");

        Assert.Equal((1, 2), (first.Version, second.Version));
        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Equal(first.Train.Key, second.Train.Key);
        Assert.EndsWith($"/objects/{first.Train.Sha256}.jsonl", first.Train.Key);
        var stored = await store.GetInfoAsync(first.Train.Key);
        Assert.Equal(first.Train.Sha256, stored!.Sha256);
        Assert.Equal(Outcome.Value.Train.Count, first.Train.Records);
        Assert.Equal($"artifacts://{first.Train.Key}", first.ToEvent().Train.Uri);
    }

    [Fact]
    public async Task A_crash_before_the_manifest_leaves_no_version_and_a_rerun_after_restart_completes_it()
    {
        var crashing = new CrashBeforeManifestStore(new FileSystemArtifactStore(_folder.Path));
        await Assert.ThrowsAsync<IOException>(() => Create(crashing));

        // restart: a new store over the same folder sees the written objects but no version
        var restarted = new FileSystemArtifactStore(_folder.Path);
        var versions = new DatasetVersionStore(restarted);
        Assert.Empty(await versions.ListAsync("tickets"));
        Assert.Empty(await versions.ListDatasetsAsync());
        Assert.NotEmpty(await restarted.ListAsync("datasets/tickets/objects/").ToListAsync());

        var manifest = await Create(restarted);
        Assert.Equal(1, manifest.Version);
        Assert.Equal(manifest.Sha256, (await versions.GetAsync("tickets", 1))!.Sha256);
    }

    [Fact]
    public async Task Writers_racing_for_the_next_number_each_get_their_own()
    {
        var store = new FileSystemArtifactStore(_folder.Path);

        var manifests = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => Create(store, $"k{i}"))));

        Assert.Equal(Enumerable.Range(1, 8), manifests.Select(m => m.Version).Order());
        Assert.Equal(8, (await new DatasetVersionStore(store).ListAsync("tickets")).Count);
    }

    [Fact]
    public async Task A_bad_dataset_name_is_refused_by_name()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => new DatasetVersionStore(new FileSystemArtifactStore(_folder.Path)).ListAsync("../etc"));
        Assert.Equal("dataset", error.ParamName);
    }

    /// <summary>The real store, except that the process "dies" when it comes to write a manifest.</summary>
    private sealed class CrashBeforeManifestStore(IArtifactStore inner) : IArtifactStore
    {
        public string Description => inner.Description;

        public Task<ArtifactInfo> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken cancellationToken = default) =>
            key.Contains("/versions/", StringComparison.Ordinal) ? throw new IOException("power cut") : inner.PutAsync(key, content, options, cancellationToken);

        public Task<ArtifactReadResult> GetAsync(string key, ByteRange? range = null, CancellationToken cancellationToken = default) => inner.GetAsync(key, range, cancellationToken);
        public Task<ArtifactInfo?> GetInfoAsync(string key, CancellationToken cancellationToken = default) => inner.GetInfoAsync(key, cancellationToken);
        public IAsyncEnumerable<ArtifactInfo> ListAsync(string prefix = "", CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);
        public Task<bool> DeleteAsync(string key, string? ifMatch = null, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, ifMatch, cancellationToken);
        public Task CheckHealthAsync(CancellationToken cancellationToken = default) => inner.CheckHealthAsync(cancellationToken);
    }
}
