using FineTune.Storage.Artifacts;
using FineTune.Storage.Artifacts.FileSystem;
using FineTune.Testing;

namespace FineTune.Storage.Tests.Artifacts;

/// <summary>The contract against <see cref="FileSystemArtifactStore"/> in a fresh temp folder, plus what only a folder can get wrong.</summary>
public sealed class FileSystemArtifactStoreTests : ArtifactStoreContract
{
    private readonly TempDirectory _root = new("artifacts");

    protected override IArtifactStore CreateStore() => new FileSystemArtifactStore(_root.Path);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _root.Dispose();
        base.Dispose(disposing);
    }

    [Fact]
    public async Task Leftovers_of_a_crashed_writer_are_not_listed_and_do_not_break_reads()
    {
        await Store.PutAsync("data/train.jsonl", TestContent.Text("complete"));
        // A crash mid-write leaves a partial temp file; an older layout might have left one beside the object.
        await File.WriteAllTextAsync(Path.Combine(_root.Path, "%tmp", "0123456789abcdef0123456789abcdef.tmp"), "partial");
        await File.WriteAllTextAsync(Path.Combine(_root.Path, "data", "train.jsonl%tmp-1"), "partial");
        await File.WriteAllTextAsync(Path.Combine(_root.Path, "data", "notes.txt"), "a file someone put here by hand");

        var reopened = CreateStore();

        Assert.Equal(["data/train.jsonl"], await ListKeysAsync(""));
        await using var read = await reopened.GetAsync("data/train.jsonl");
        Assert.Equal("complete", await TestContent.ReadTextAsync(read.Content));
        await reopened.PutAsync("data/train.jsonl", TestContent.Text("rewritten"));
        Assert.Equal(["data/train.jsonl"], (await ListKeysAsync("data/")));
    }

    [Fact]
    public void Stale_temp_files_are_deleted_when_a_store_opens_the_folder_and_fresh_ones_are_kept()
    {
        _ = Store;
        var stale = Path.Combine(_root.Path, "%tmp", "stale.tmp");
        var fresh = Path.Combine(_root.Path, "%tmp", "fresh.tmp");
        File.WriteAllText(stale, "old");
        File.WriteAllText(fresh, "in progress");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddDays(-2));

        _ = CreateStore();

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));
    }

    [Fact]
    public async Task Concurrent_if_match_writes_through_separate_instances_are_excluded_by_the_os_lock()
    {
        // Each instance has its own in-process semaphores, so only the lock file keeps these apart,
        // exactly as it does between processes.
        var current = await Store.PutAsync("state/shared.json", TestContent.Text("initial"));
        var instances = Enumerable.Range(0, 8).Select(_ => CreateStore()).ToArray();

        var results = await RaceAsync(instances.Length, i =>
            instances[i].PutAsync("state/shared.json", TestContent.Text($"writer {i}"), new PutOptions { IfMatch = current.ETag }));

        var winner = Assert.Single(results, r => r.Info is not null);
        await using var read = await Store.GetAsync("state/shared.json");
        Assert.Equal($"writer {winner.Index}", await TestContent.ReadTextAsync(read.Content));
    }

    [Fact]
    public async Task Objects_are_single_files_under_readable_paths_and_delete_prunes_empty_folders()
    {
        await Store.PutAsync("datasets/support/v3/train.jsonl", TestContent.Text("{}"));
        Assert.True(File.Exists(Path.Combine(_root.Path, "datasets", "support", "v3", "train.jsonl%obj")));
        await Store.PutAsync("datasets/other", TestContent.Text("{}"));

        await Store.DeleteAsync("datasets/support/v3/train.jsonl");

        Assert.False(Directory.Exists(Path.Combine(_root.Path, "datasets", "support")));
        Assert.True(Directory.Exists(Path.Combine(_root.Path, "datasets")));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root.Path, "%tmp")));
    }

    [Fact]
    public async Task A_refused_write_leaves_no_temp_file()
    {
        await Store.PutAsync("k", TestContent.Text("x"));
        await Assert.ThrowsAsync<ArtifactPreconditionFailedException>(() => Store.PutAsync("k", TestContent.Text("y"), PutOptions.CreateOnly));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root.Path, "%tmp")));
    }

    [Fact]
    public async Task A_damaged_object_file_is_reported_as_corrupt_not_as_content()
    {
        await Store.PutAsync("broken", TestContent.Text("content"));
        var path = Path.Combine(_root.Path, "broken%obj");
        await using (var file = File.OpenWrite(path)) file.SetLength(file.Length - 3);

        var error = await Assert.ThrowsAsync<ArtifactStoreException>(() => Store.GetAsync("broken"));
        Assert.Contains("'broken'", error.Message);
        Assert.Contains("corrupt", error.Message);
    }

    [Fact]
    public async Task A_key_segment_longer_than_the_file_system_allows_is_a_clear_error()
    {
        // Valid for Azure (1,024 characters) but not as one file name (255 bytes on Linux).
        var key = "long/" + new string('a', 300);

        var error = await Assert.ThrowsAsync<ArtifactStoreException>(() => Store.PutAsync(key, TestContent.Text("x")));

        Assert.Contains("too long", error.Message);
        Assert.Null(await Store.GetInfoAsync(key));
        Assert.Empty(await ListAsync(""));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root.Path, "%tmp")));
    }

    [Fact]
    public void The_description_names_the_root() =>
        Assert.Equal($"file {_root.Path}", Store.Description);
}
