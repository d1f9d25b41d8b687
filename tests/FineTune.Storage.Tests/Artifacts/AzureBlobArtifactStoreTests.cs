using FineTune.LocalServers;
using FineTune.Storage.Artifacts;
using FineTune.Storage.Artifacts.AzureBlob;
using FineTune.Testing;

namespace FineTune.Storage.Tests.Artifacts;

/// <summary>The contract against <see cref="AzureBlobArtifactStore"/> on a real Azurite, one fresh container per test.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class AzureBlobArtifactStoreTests(AzuriteFixture azurite) : ArtifactStoreContract
{
    private readonly HttpClient _http = new();
    private readonly string _container = $"test-{Guid.NewGuid():N}";

    // A small page size makes the 2,500-object listing follow NextMarker twice.
    protected override IArtifactStore CreateStore() => CreateStore(new AzureBlobArtifactStoreOptions { ListPageSize = 1000 });

    private AzureBlobArtifactStore CreateStore(AzureBlobArtifactStoreOptions options, string? connectionString = null) =>
        new(_http, AzureStorageConnectionString.Parse(connectionString ?? azurite.ConnectionString), _container, options);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _http.Dispose();
        base.Dispose(disposing);
    }

    [Fact]
    public async Task Concurrent_block_uploads_to_one_key_never_mix_blocks_and_one_conditional_writer_wins()
    {
        // 1 KiB blocks: every 5 KiB write takes the Put Block + Put Block List path.
        var store = CreateStore(new AzureBlobArtifactStoreOptions { BlockSize = 1024 });
        var current = await store.PutAsync("blocks/state.bin", new MemoryStream(TestContent.Bytes(5 * 1024, seed: 99)));
        var contents = Enumerable.Range(0, 10).Select(i => TestContent.Bytes(5 * 1024 + i, seed: (ulong)i)).ToArray();

        var results = await RaceAsync(contents.Length, i =>
            store.PutAsync("blocks/state.bin", new MemoryStream(contents[i]), new PutOptions { IfMatch = current.ETag }));

        var winner = Assert.Single(results, r => r.Info is not null);
        await using var read = await store.GetAsync("blocks/state.bin");
        Assert.Equal(contents[winner.Index], await TestContent.ReadAllAsync(read.Content));
        Assert.Equal(TestContent.Sha256Hex(contents[winner.Index]), read.Info.Sha256);
    }

    [Fact]
    public async Task Concurrent_unconditional_block_uploads_store_one_writers_content_whole_never_a_mix()
    {
        // Committing discards the blob's other uncommitted blocks, so an overtaken writer must fail
        // loudly rather than commit a list that mixes in someone else's blocks.
        var store = CreateStore(new AzureBlobArtifactStoreOptions { BlockSize = 1024 });
        var contents = Enumerable.Range(0, 10).Select(i => TestContent.Bytes(8 * 1024, seed: 1000 + (ulong)i)).ToArray();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var outcomes = await Task.WhenAll(contents.Select((content, i) => Task.Run(async () =>
        {
            await start.Task;
            try { return (Index: i, Info: (ArtifactInfo?)await store.PutAsync("blocks/shared.bin", new MemoryStream(content))); }
            catch (ArtifactStoreException e) when (e.GetType() == typeof(ArtifactStoreException))
            {
                Assert.Contains("overtaken", e.Message);
                return (Index: i, Info: null);
            }
        })).Append(Task.Run(() => { start.SetResult(); return (Index: -1, Info: (ArtifactInfo?)null); })));

        var succeeded = outcomes.Where(o => o.Info is not null).ToList();
        Assert.NotEmpty(succeeded);
        await using var read = await store.GetAsync("blocks/shared.bin");
        var stored = await TestContent.ReadAllAsync(read.Content);
        var match = Assert.Single(succeeded, o => contents[o.Index].AsSpan().SequenceEqual(stored));
        Assert.Equal(match.Info!.Sha256, TestContent.Sha256Hex(stored));
    }

    [Fact]
    public async Task A_wrong_account_key_is_an_error_with_status_and_azure_error_code_but_not_the_key()
    {
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var store = CreateStore(new AzureBlobArtifactStoreOptions(),
            $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.AccountName};AccountKey={wrongKey};BlobEndpoint={azurite.Server.BlobEndpoint};");

        var error = await Assert.ThrowsAsync<AzureBlobRequestException>(() => store.CheckHealthAsync());
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, error.StatusCode);
        // Azure says AuthenticationFailed, Azurite AuthorizationFailure; either way it is named.
        Assert.NotNull(error.ErrorCode);
        Assert.Contains("403", error.Message);
        Assert.Contains($"x-ms-error-code {error.ErrorCode}", error.Message);
        Assert.DoesNotContain(wrongKey, error.Message);
        var put = await Assert.ThrowsAsync<AzureBlobRequestException>(() => store.PutAsync("k", TestContent.Text("x")));
        Assert.Contains("create-container", put.Message);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_a_store_error_naming_the_endpoint()
    {
        var port = FreePort.Next();
        var store = CreateStore(new AzureBlobArtifactStoreOptions(),
            $"AccountName=devstoreaccount1;AccountKey={AzuriteServer.AccountKey};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1");

        var error = await Assert.ThrowsAsync<AzureBlobRequestException>(() => store.GetInfoAsync("k"));
        Assert.Null(error.StatusCode);
        Assert.Contains($"127.0.0.1:{port}", error.Message);
        Assert.Contains("'k'", error.Message);
    }

    [Fact]
    public async Task Listing_and_reading_before_the_first_write_find_nothing()
    {
        Assert.Empty(await ListAsync(""));
        Assert.Null(await Store.GetInfoAsync("a"));
        await Assert.ThrowsAsync<ArtifactNotFoundException>(() => Store.GetAsync("a"));
        Assert.False(await Store.DeleteAsync("a"));
        await Store.CheckHealthAsync();
    }

    [Fact]
    public void The_description_names_endpoint_and_container_but_not_the_key()
    {
        Assert.Equal($"azure-blob {azurite.Server.BlobEndpoint}/{_container}", Store.Description);
        Assert.DoesNotContain(AzuriteServer.AccountKey, Store.Description);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Upper")]
    [InlineData("a--b")]
    [InlineData("-ab")]
    [InlineData("a_b")]
    public void An_invalid_container_name_is_rejected(string container) =>
        Assert.Throws<ArgumentException>(() =>
            new AzureBlobArtifactStore(_http, AzureStorageConnectionString.Parse(azurite.ConnectionString), container));
}
