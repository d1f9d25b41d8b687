using FineTune.Storage.Artifacts.FileSystem;
using FineTune.Testing;

namespace FineTune.Cli.Tests;

/// <summary><c>finetune run</c>: the seven stages in one process, no servers, on the bundled sample.</summary>
public sealed class RunSpecs : IDisposable
{
    private readonly TempDirectory _work = new("cli-run");
    private readonly StringWriter _output = new();

    private string Store => Path.Combine(_work.Path, "store");

    [Fact]
    public async Task Run_takes_the_sample_through_curation_training_evaluation_registry_and_serving_in_this_process()
    {
        var exit = await CliRunner.Run(_output, "run", "--data", RepositoryFiles.PathOf("samples", "support-chat.jsonl"),
            "--method", "lora", "--max-steps", "3", "--prompts", "1", "--store", Store);

        Assert.True(exit == 0, _output.ToString());
        // every stage left its record in the one artifact store the composed services share
        var store = new FileSystemArtifactStore(Store);
        Assert.NotNull(await store.GetInfoAsync("datasets/support-chat/versions/000001.json"));
        Assert.True(await store.ListAsync("jobs/").AnyAsync(a => a.Key.EndsWith("/output/adapter_model.safetensors", StringComparison.Ordinal)), "no trained adapter was stored");
        Assert.NotNull(await store.GetInfoAsync("registry/models/support-chat/versions/000001.json"));
        Assert.True(await store.ListAsync("evaluations/").AnyAsync(a => a.Key.EndsWith("/report.md", StringComparison.Ordinal)), "no evaluation report was written");
        Assert.True(await store.ListAsync("monitoring/").AnyAsync(), "monitoring recorded nothing");
        Assert.Contains("support-chat", _output.ToString());
    }

    [Fact]
    public async Task Run_with_a_missing_data_file_fails_naming_the_file_and_the_option_before_starting_anything()
    {
        var exit = await CliRunner.Run(_output, "run", "--data", Path.Combine(_work.Path, "nope.jsonl"), "--store", Store);

        Assert.Equal(1, exit);
        Assert.Contains("nope.jsonl' does not exist (--data)", _output.ToString());
        Assert.False(Directory.Exists(Store));
    }

    public void Dispose() => _work.Dispose();
}
