using System.Security.Cryptography;
using FineTune.Storage.Artifacts.FileSystem;
using FineTune.Testing;

namespace FineTune.Cli.Tests;

public sealed class CliSpecs : IDisposable
{
    private readonly TempDirectory _work = new("cli");
    private readonly StringWriter _output = new();

    private string Store => Path.Combine(_work.Path, "store");

    private Task<int> Run(params string[] args) => CliRunner.Run(_output, [.. args, "--store", Store]);

    private static string SamplePath() => RepositoryFiles.PathOf("samples", "support-chat.jsonl");

    private static string BaseModelPath() => RepositoryFiles.PathOf("models", "finetune-base");

    [Fact]
    public async Task Run_curates_the_dataset_into_a_version_and_says_which_stages_are_not_built()
    {
        var exit = await Run("run", "--dataset", SamplePath(), "--base-model", BaseModelPath());

        Assert.Equal(0, exit);
        var store = new FileSystemArtifactStore(Store);
        var upload = await store.ListAsync("files/").SingleAsync(f => f.Key.EndsWith("/content", StringComparison.Ordinal));
        var expected = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(SamplePath())));
        Assert.Equal(expected, upload.Sha256);
        Assert.NotNull(await store.GetInfoAsync("datasets/support-chat/versions/000001.json"));
        var text = _output.ToString();
        Assert.Contains($"sha256:{expected[..16]}", text);
        Assert.Contains("support-chat v1", text);
        Assert.Contains("leakage check: passed", text);
        Assert.DoesNotContain("not built yet (issue #6)", text);
        Assert.Contains("not built yet (issue #7)", text);
        Assert.Contains("not built yet (issue #12)", text);
        Assert.Contains("base model finetune-base (5,401,856 parameters, chatml chat) before fine-tuning:", text);
        Assert.Contains("user:  Quick question: How do I reset my password?", text);
    }

    [Fact]
    public async Task Run_without_the_base_model_still_runs_and_says_the_preview_was_skipped()
    {
        var exit = await Run("run", "--dataset", SamplePath(), "--base-model", Path.Combine(_work.Path, "no-model"));

        Assert.Equal(0, exit);
        Assert.Contains("base model preview skipped: model folder", _output.ToString());
    }

    [Fact]
    public async Task Run_with_a_missing_dataset_fails_naming_the_file_and_the_option()
    {
        var exit = await Run("run", "--dataset", Path.Combine(_work.Path, "nope.jsonl"));

        Assert.Equal(1, exit);
        Assert.Contains("nope.jsonl' does not exist (--dataset)", _output.ToString());
    }

    [Fact]
    public async Task Artifacts_put_list_get_and_rm_round_trip_a_file()
    {
        var source = Path.Combine(_work.Path, "notes.txt");
        await File.WriteAllTextAsync(source, "the quick brown fox");
        var copy = Path.Combine(_work.Path, "copy.txt");

        Assert.Equal(0, await Run("artifacts", "put", "docs/notes.txt", source));
        Assert.Equal(0, await Run("artifacts", "list", "docs/"));
        Assert.Contains("docs/notes.txt", _output.ToString());
        Assert.Equal(0, await Run("artifacts", "get", "docs/notes.txt", "-o", copy));
        Assert.Equal("the quick brown fox", await File.ReadAllTextAsync(copy));
        Assert.Equal(0, await Run("artifacts", "rm", "docs/notes.txt"));
        Assert.Equal(1, await Run("artifacts", "rm", "docs/notes.txt"));
        Assert.Contains("artifact 'docs/notes.txt' does not exist", _output.ToString());
    }

    [Fact]
    public async Task Getting_a_missing_artifact_or_using_a_bad_key_is_one_clear_error()
    {
        Assert.Equal(1, await Run("artifacts", "get", "missing/thing.bin", "-o", Path.Combine(_work.Path, "x")));
        Assert.Contains("'missing/thing.bin' was not found", _output.ToString());

        Assert.Equal(1, await Run("artifacts", "rm", "../etc/passwd"));
        Assert.Contains("'..' segment", _output.ToString());
    }

    public void Dispose() => _work.Dispose();
}
