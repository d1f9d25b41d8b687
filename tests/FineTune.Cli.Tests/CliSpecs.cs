using FineTune.Testing;

namespace FineTune.Cli.Tests;

public sealed class CliSpecs : IDisposable
{
    private readonly TempDirectory _work = new("cli");
    private readonly StringWriter _output = new();

    private string Store => Path.Combine(_work.Path, "store");

    private Task<int> Run(params string[] args) => CliRunner.Run(_output, [.. args, "--store", Store]);

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
