using FineTune.Storage.Artifacts.FileSystem;
using FineTune.Testing;

namespace FineTune.Cli.Tests;

public sealed class CurateSpecs : IDisposable
{
    private readonly TempDirectory _work = new("curate");
    private readonly StringWriter _output = new();

    private string Store => Path.Combine(_work.Path, "store");

    private Task<int> Run(params string[] args) => CliRunner.Run(_output, [.. args, "--store", Store]);

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Curate_turns_a_noisy_file_into_a_balanced_version_and_shows_what_each_step_did()
    {
        var exit = await Run("curate", "--data", RepositoryFiles.PathOf("samples", "tasks", "product_reviews", "raw", "train.jsonl"),
            "--dataset", "reviews", "--balance", "Oversample");

        Assert.Equal(0, exit);
        var text = _output.ToString();
        Assert.Contains("reviews v1", text);
        Assert.Matches(@"│ ingest\s+│ 2,556 │ 2,544 │ 12\s+│", text);
        Assert.Contains("rejected lines: 12;", text);
        Assert.Contains("train.jsonl:151: truncated JSON", text);
        Assert.Contains("PII redacted: Email 33", text);
        Assert.Contains("leakage check: passed", text);
        Assert.NotNull(await new FileSystemArtifactStore(Store).GetInfoAsync("datasets/reviews/versions/000001.json"));
    }

    [Fact]
    public async Task Curate_refuses_a_file_past_the_error_rate_listing_the_bad_lines_and_writes_no_version()
    {
        var exit = await Run("curate", "--data", RepositoryFiles.PathOf("samples", "tasks", "product_reviews", "raw", "train.jsonl"),
            "--dataset", "strict", "--max-error-rate", "0");

        Assert.Equal(1, exit);
        var text = _output.ToString();
        Assert.Contains("rejected: 12 of 2,556 lines are bad", text);
        Assert.Contains("train.jsonl:990, field 'messages[2].content': empty content", text);
        Assert.Null(await new FileSystemArtifactStore(Store).GetInfoAsync("datasets/strict/versions/000001.json"));
    }
}
