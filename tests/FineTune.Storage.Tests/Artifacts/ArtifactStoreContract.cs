using FineTune.Storage.Artifacts;

namespace FineTune.Storage.Tests.Artifacts;

/// <summary>
/// What every <see cref="IArtifactStore"/> must do, run against each implementation by a subclass.
/// Each test class instance gets fresh, empty storage, so the facts are independent.
/// </summary>
public abstract class ArtifactStoreContract : IDisposable
{
    private const int MiB = 1024 * 1024;
    private IArtifactStore? _store;

    /// <summary>The store under test, created on first use.</summary>
    protected IArtifactStore Store => _store ??= CreateStore();

    /// <summary>A new store instance over the same (initially empty) storage on every call.</summary>
    protected abstract IArtifactStore CreateStore();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing) { }

    [Fact]
    public async Task A_64_MiB_object_round_trips_with_its_sha256()
    {
        const long length = 64L * MiB;
        var expected = await TestContent.Sha256HexAsync(new SeededRandomStream(length, seed: 64));

        var put = await Store.PutAsync("big/checkpoint.bin", new SeededRandomStream(length, seed: 64));
        Assert.Equal(length, put.Length);
        Assert.Equal(expected, put.Sha256);

        await using var read = await Store.GetAsync("big/checkpoint.bin");
        Assert.Equal(expected, await TestContent.Sha256HexAsync(read.Content));
        Assert.Equal(expected, read.Info.Sha256);
        Assert.Equal(length, read.Info.Length);
        Assert.Equal(put.ETag, read.Info.ETag);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4 * MiB - 1)]
    [InlineData(4 * MiB)]
    [InlineData(4 * MiB + 1)]
    public async Task Content_at_chunk_boundaries_round_trips(int length)
    {
        var content = TestContent.Bytes(length, seed: (ulong)length);

        var put = await Store.PutAsync("sizes/object", new MemoryStream(content));

        Assert.Equal(length, put.Length);
        Assert.Equal(TestContent.Sha256Hex(content), put.Sha256);
        await using var read = await Store.GetAsync("sizes/object");
        Assert.Equal(content, await TestContent.ReadAllAsync(read.Content));
        Assert.Equal(put with { LastModified = read.Info.LastModified }, read.Info);
    }

    [Fact]
    public async Task A_small_object_keeps_its_content_type_and_put_reports_what_get_info_reports()
    {
        var put = await Store.PutAsync("reports/run-1.json", TestContent.Text("{\"loss\":0.25}"),
            new PutOptions { ContentType = "application/json" });

        await using (var read = await Store.GetAsync("reports/run-1.json"))
        {
            Assert.Equal("{\"loss\":0.25}", await TestContent.ReadTextAsync(read.Content));
            Assert.Equal("application/json", read.Info.ContentType);
        }
        var info = await Store.GetInfoAsync("reports/run-1.json");
        Assert.NotNull(info);
        Assert.Equal("reports/run-1.json", info.Key);
        Assert.Equal(13, info.Length);
        Assert.Equal("application/json", info.ContentType);
        Assert.Equal(put.ETag, info.ETag);
        Assert.Equal(put.Sha256, info.Sha256);
        Assert.StartsWith("\"", info.ETag, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{64}$", info.Sha256);
        Assert.True(await Store.ExistsAsync("reports/run-1.json"));
        Assert.InRange(info.LastModified, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
    }

    [Fact]
    public async Task Ranged_reads_return_exactly_the_requested_bytes()
    {
        var content = TestContent.Bytes(10_000, seed: 7);
        await Store.PutAsync("ranges/data.bin", new MemoryStream(content));

        await AssertRange(new ByteRange(1_000, 1_999), content[1_000..2_000]);
        await AssertRange(new ByteRange(9_990), content[9_990..]);
        await AssertRange(new ByteRange(0, 0), content[..1]);
        await AssertRange(new ByteRange(9_000, 50_000), content[9_000..]); // To past the end is clamped, as in HTTP

        async Task AssertRange(ByteRange range, byte[] expected)
        {
            await using var read = await Store.GetAsync("ranges/data.bin", range);
            Assert.Equal(expected, await TestContent.ReadAllAsync(read.Content));
            Assert.Equal(content.Length, read.Info.Length); // the whole object's length, not the range's
            Assert.Equal(TestContent.Sha256Hex(content), read.Info.Sha256);
        }
    }

    [Fact]
    public async Task A_range_that_starts_past_the_end_is_a_clear_error()
    {
        await Store.PutAsync("ranges/short.bin", new MemoryStream(new byte[10]));

        var error = await Assert.ThrowsAsync<ArtifactStoreException>(() => Store.GetAsync("ranges/short.bin", new ByteRange(10)));

        Assert.Contains("ranges/short.bin", error.Message);
        Assert.Contains("bytes=10-", error.Message);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.GetAsync("ranges/short.bin", new ByteRange(5, 4)));
    }

    [Fact]
    public async Task Of_20_concurrent_if_match_writes_exactly_one_wins()
    {
        const string key = "state/run.json";
        var current = await Store.PutAsync(key, TestContent.Text("initial"));

        var results = await RaceAsync(20, i => Store.PutAsync(key, TestContent.Text($"writer {i}"), new PutOptions { IfMatch = current.ETag }));

        var winner = Assert.Single(results, r => r.Info is not null);
        Assert.All(results.Where(r => r.Info is null), r => Assert.Contains(key, r.Refused!.Message));
        await using var read = await Store.GetAsync(key);
        Assert.Equal($"writer {winner.Index}", await TestContent.ReadTextAsync(read.Content));
        Assert.Equal(winner.Info!.ETag, read.Info.ETag);
        Assert.NotEqual(current.ETag, winner.Info.ETag);
    }

    [Fact]
    public async Task Of_20_concurrent_create_only_writes_exactly_one_wins()
    {
        const string key = "locks/leader";

        var results = await RaceAsync(20, i => Store.PutAsync(key, TestContent.Text($"writer {i}"), PutOptions.CreateOnly));

        var winner = Assert.Single(results, r => r.Info is not null);
        await using var read = await Store.GetAsync(key);
        Assert.Equal($"writer {winner.Index}", await TestContent.ReadTextAsync(read.Content));
        await Assert.ThrowsAsync<ArtifactPreconditionFailedException>(() => Store.PutAsync(key, TestContent.Text("late"), PutOptions.CreateOnly));
    }

    [Fact]
    public async Task If_match_with_an_etag_on_a_missing_key_is_refused_and_writes_nothing()
    {
        var existing = await Store.PutAsync("cond/a", TestContent.Text("a"));

        await Assert.ThrowsAsync<ArtifactPreconditionFailedException>(() =>
            Store.PutAsync("cond/missing", TestContent.Text("x"), new PutOptions { IfMatch = existing.ETag }));

        Assert.Null(await Store.GetInfoAsync("cond/missing"));
    }

    [Fact]
    public async Task A_missing_object_is_reported_as_missing()
    {
        await Store.PutAsync("present/other", TestContent.Text("x")); // the container/folder exists

        var error = await Assert.ThrowsAsync<ArtifactNotFoundException>(() => Store.GetAsync("datasets/absent.jsonl"));
        Assert.Contains("datasets/absent.jsonl", error.Message);
        Assert.Equal("datasets/absent.jsonl", error.Key);
        Assert.Null(await Store.GetInfoAsync("datasets/absent.jsonl"));
        Assert.False(await Store.ExistsAsync("datasets/absent.jsonl"));
        Assert.False(await Store.DeleteAsync("datasets/absent.jsonl"));
        Assert.False(await Store.DeleteAsync("datasets/absent.jsonl", ifMatch: "\"0x1\""));
    }

    [Fact]
    public async Task Listing_2500_objects_follows_continuation_in_ordinal_order_and_keeps_to_the_prefix()
    {
        // Mixed shapes so that folder order and ordinal key order differ: '-' < '.' < '/' < 'D' < 'd'.
        var keys = Enumerable.Range(0, 2_500).Select(i => (i % 5) switch
        {
            0 => $"list/{i}",
            1 => $"list/d{i % 7}/{i}",
            2 => $"list/d{i % 7}-x/{i}",
            3 => $"list/d{i % 7}.{i}",
            _ => $"list/D{i}",
        }).ToList();
        string[] siblings = ["list-sibling/0", "listing", "lis"];
        await Parallel.ForEachAsync(keys.Concat(siblings), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (key, ct) => await Store.PutAsync(key, TestContent.Text(key), cancellationToken: ct));

        var listed = await ListKeysAsync("list/");

        Assert.Equal(keys.Order(StringComparer.Ordinal), listed);
        var partial = await ListKeysAsync("list/d1");
        Assert.Equal(keys.Where(k => k.StartsWith("list/d1", StringComparison.Ordinal)).Order(StringComparer.Ordinal), partial);
        Assert.Equal(keys.Concat(siblings).Order(StringComparer.Ordinal), await ListKeysAsync(""));
    }

    [Fact]
    public async Task Listing_reports_each_objects_properties()
    {
        var put = await Store.PutAsync("props/a.json", TestContent.Text("{}"), new PutOptions { ContentType = "application/json" });

        var listed = Assert.Single(await ListAsync("props/"));

        Assert.Equal(put.Key, listed.Key);
        Assert.Equal(2, listed.Length);
        Assert.Equal(put.ETag, listed.ETag);
        Assert.Equal(put.Sha256, listed.Sha256);
        Assert.Equal("application/json", listed.ContentType);
        Assert.Empty(await ListAsync("nothing-here/"));
    }

    [Fact]
    public async Task Overwrite_changes_the_etag_and_delete_honours_if_match()
    {
        var first = await Store.PutAsync("adapters/lora.bin", TestContent.Text("v1"));
        var second = await Store.PutAsync("adapters/lora.bin", TestContent.Text("v2"));
        Assert.NotEqual(first.ETag, second.ETag);

        var refused = await Assert.ThrowsAsync<ArtifactPreconditionFailedException>(() => Store.DeleteAsync("adapters/lora.bin", first.ETag));
        Assert.Contains("adapters/lora.bin", refused.Message);
        Assert.True(await Store.ExistsAsync("adapters/lora.bin"));

        Assert.True(await Store.DeleteAsync("adapters/lora.bin", second.ETag));
        Assert.Null(await Store.GetInfoAsync("adapters/lora.bin"));
        await Store.PutAsync("adapters/lora.bin", TestContent.Text("v3"), PutOptions.CreateOnly); // gone means creatable again
        Assert.True(await Store.DeleteAsync("adapters/lora.bin"));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/../b")]
    [InlineData("./a")]
    [InlineData("/abs")]
    [InlineData("a\\b")]
    [InlineData("a\u0001b")]
    [InlineData("")]
    [InlineData("a//b")]
    [InlineData("a/")]
    public async Task Invalid_keys_are_rejected_and_nothing_is_written(string key)
    {
        await Assert.ThrowsAsync<InvalidArtifactKeyException>(() => Store.PutAsync(key, TestContent.Text("x")));
        await Assert.ThrowsAsync<InvalidArtifactKeyException>(() => Store.PutAsync(key, TestContent.Text("x"), PutOptions.CreateOnly));
        await Assert.ThrowsAsync<InvalidArtifactKeyException>(() => Store.GetAsync(key));
        await Assert.ThrowsAsync<InvalidArtifactKeyException>(() => Store.GetInfoAsync(key));
        await Assert.ThrowsAsync<InvalidArtifactKeyException>(() => Store.DeleteAsync(key));

        Assert.Empty(await ListAsync(""));
    }

    [Theory]
    [InlineData("../")]
    [InlineData("/x/")]
    [InlineData("a//")]
    public async Task Invalid_prefixes_are_rejected(string prefix) =>
        await Assert.ThrowsAsync<InvalidArtifactKeyException>(() => ListAsync(prefix));

    [Fact]
    public async Task Keys_with_spaces_unicode_and_url_characters_round_trip_and_list()
    {
        string[] keys =
        [
            "my datasets/train set (v2).jsonl",
            "ünïcødé/文件 😀.bin",
            "odd/100%+a=b&c?d#e;f,g@h'i*j!k~l:m<n>o|p\"q.txt",
            "odd/%41",
        ];
        foreach (var key in keys) await Store.PutAsync(key, TestContent.Text(key));

        foreach (var key in keys)
        {
            await using var read = await Store.GetAsync(key);
            Assert.Equal(key, await TestContent.ReadTextAsync(read.Content));
            Assert.Equal(key, read.Info.Key);
        }
        Assert.Equal(keys.Order(StringComparer.Ordinal), await ListKeysAsync(""));
        Assert.Null(await Store.GetInfoAsync("odd/A")); // "%41" is a literal name, not an escape
        foreach (var key in keys) Assert.True(await Store.DeleteAsync(key));
        Assert.Empty(await ListAsync(""));
    }

    [Fact]
    public async Task A_key_and_keys_below_it_coexist()
    {
        await Store.PutAsync("runs/7", TestContent.Text("summary"));
        await Store.PutAsync("runs/7/metrics.json", TestContent.Text("metrics"));
        await Store.PutAsync("runs/7-b", TestContent.Text("other"));

        Assert.Equal(["runs/7", "runs/7-b", "runs/7/metrics.json"], await ListKeysAsync("runs/"));
        await using var read = await Store.GetAsync("runs/7");
        Assert.Equal("summary", await TestContent.ReadTextAsync(read.Content));
        Assert.True(await Store.DeleteAsync("runs/7/metrics.json"));
        Assert.True(await Store.ExistsAsync("runs/7"));
    }

    [Fact]
    public async Task A_second_store_instance_sees_the_first_ones_writes()
    {
        var other = CreateStore();

        var put = await Store.PutAsync("shared/doc.json", TestContent.Text("one"));
        var seen = await other.GetInfoAsync("shared/doc.json");
        Assert.Equal(put.ETag, seen?.ETag);

        await other.PutAsync("shared/doc.json", TestContent.Text("two"), new PutOptions { IfMatch = put.ETag });
        await Assert.ThrowsAsync<ArtifactPreconditionFailedException>(() =>
            Store.PutAsync("shared/doc.json", TestContent.Text("three"), new PutOptions { IfMatch = put.ETag }));
        await using var read = await Store.GetAsync("shared/doc.json");
        Assert.Equal("two", await TestContent.ReadTextAsync(read.Content));
    }

    [Fact]
    public async Task A_reader_keeps_the_version_it_opened_while_a_writer_replaces_it()
    {
        var old = TestContent.Bytes(256 * 1024, seed: 1);
        await Store.PutAsync("swap/model.bin", new MemoryStream(old));

        await using var read = await Store.GetAsync("swap/model.bin");
        var first = new byte[1000];
        await read.Content.ReadExactlyAsync(first);
        await Store.PutAsync("swap/model.bin", new MemoryStream(TestContent.Bytes(300 * 1024, seed: 2)));

        var rest = await TestContent.ReadAllAsync(read.Content);
        Assert.Equal(old, first.Concat(rest).ToArray());
    }

    [Fact]
    public async Task The_health_check_passes_and_the_description_names_the_store()
    {
        await Store.CheckHealthAsync();
        Assert.False(string.IsNullOrWhiteSpace(Store.Description));
    }

    protected async Task<List<string>> ListKeysAsync(string prefix) => (await ListAsync(prefix)).Select(i => i.Key).ToList();

    protected async Task<List<ArtifactInfo>> ListAsync(string prefix)
    {
        var items = new List<ArtifactInfo>();
        await foreach (var item in Store.ListAsync(prefix)) items.Add(item);
        return items;
    }

    /// <summary>Runs <paramref name="count"/> writes released together; refused ones are recorded, anything else fails the test.</summary>
    protected static async Task<(int Index, ArtifactInfo? Info, ArtifactPreconditionFailedException? Refused)[]> RaceAsync(
        int count, Func<int, Task<ArtifactInfo>> write)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await start.Task;
            try { return (i, (ArtifactInfo?)await write(i), (ArtifactPreconditionFailedException?)null); }
            catch (ArtifactPreconditionFailedException refused) { return (i, null, refused); }
        })).ToArray();
        start.SetResult();
        return await Task.WhenAll(writers);
    }
}
