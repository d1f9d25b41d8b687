using System.Text.RegularExpressions;
using FineTune.Models.Llama;
using FineTune.Testing;
using FineTune.Tokenizers;
using FineTune.Tokenizers.Chat;
using FineTune.Tokenizers.Config;

namespace FineTune.Cli.Tests;

public sealed partial class PretrainSpecs : IDisposable
{
    private readonly TempDirectory _work = new("pretrain");
    private readonly StringWriter _output = new();

    private string Corpus => Path.Combine(_work.Path, "corpus");
    private string Model => Path.Combine(_work.Path, "model");
    private string RunFolder => Path.Combine(_work.Path, "run");

    private static readonly string[] TinyModel = TestCorpus.TinyModel;

    [Fact]
    public async Task Pretrain_writes_a_hugging_face_folder_whose_card_perplexity_the_perplexity_command_reproduces()
    {
        WriteCorpus();

        await Succeeds(["pretrain", "--corpus", Corpus, "--out", Model, "--run", RunFolder, .. TinyModel]);

        foreach (var file in new[] { "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "generation_config.json", "README.md" })
            Assert.True(File.Exists(Path.Combine(Model, file)), $"{file} is missing");
        var model = LlamaCheckpoints.Load(Model); // the loader a user's checkpoint goes through
        var tokenizer = Tokenizer.LoadHuggingFace(Path.Combine(Model, "tokenizer.json"));
        Assert.Equal(tokenizer.VocabSize, model.Config.VocabSize);
        Assert.IsType<ChatMlFormat>(ChatFormats.Detect(TokenizerConfig.Read(Path.Combine(Model, TokenizerConfig.FileName)), "model"));

        var card = await File.ReadAllTextAsync(Path.Combine(Model, "README.md"));
        var cardPerplexity = PerplexityInCard().Match(card).Groups[1].Value;
        Assert.Contains("| test-package | 1.0 | CC0-1.0 |", card);
        _output.GetStringBuilder().Clear();
        await Succeeds("perplexity", "--model", Model, "--text", Path.Combine(Corpus, "valid.txt"), "--seq", "32", "--windows", "16");
        Assert.Contains($"perplexity {cardPerplexity}", _output.ToString());
    }

    [Fact]
    public async Task Running_the_same_command_again_resumes_from_the_checkpoint_instead_of_starting_over()
    {
        WriteCorpus();
        await Succeeds(["pretrain", "--corpus", Corpus, "--out", Model, "--run", RunFolder, .. TinyModel]);
        var weights = await File.ReadAllBytesAsync(Path.Combine(Model, "model.safetensors"));

        _output.GetStringBuilder().Clear();
        await Succeeds(["pretrain", "--corpus", Corpus, "--out", Model, "--run", RunFolder, .. TinyModel]);

        // training is deterministic, so equal weights alone would not tell a resume from a restart
        Assert.Contains("done (resumed from the last checkpoint): 12 steps", _output.ToString());
        Assert.DoesNotContain("tokenizer:", _output.ToString()); // neither the tokenizer nor the token caches were rebuilt
        Assert.Equal(weights, await File.ReadAllBytesAsync(Path.Combine(Model, "model.safetensors")));
    }

    [Fact]
    public async Task Continued_pretraining_starts_from_the_given_model_and_keeps_its_tokenizer()
    {
        WriteCorpus();
        await Succeeds(["pretrain", "--corpus", Corpus, "--out", Model, "--run", RunFolder, .. TinyModel]);
        var continued = Path.Combine(_work.Path, "continued");
        var before = LlamaCheckpoints.Load(Model);

        await Succeeds(["pretrain", "--corpus", Corpus, "--out", continued, "--run", Path.Combine(_work.Path, "run2"), "--from", Model,
            .. TinyModel]);

        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Model, "tokenizer.json")), await File.ReadAllTextAsync(Path.Combine(continued, "tokenizer.json")));
        var after = LlamaCheckpoints.Load(continued);
        Assert.Equal(before.Config, after.Config);
        Assert.NotEqual(before.Parameters, after.Parameters);
        var card = await File.ReadAllTextAsync(Path.Combine(continued, "README.md"));
        static double PerplexityOf(string text) => double.Parse(PerplexityInCard().Match(text).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(PerplexityOf(card) <= PerplexityOf(await File.ReadAllTextAsync(Path.Combine(Model, "README.md"))) * 1.05,
            "continuing made the model clearly worse");
        Assert.Contains("continuing from", card);
    }

    [Fact]
    public async Task Resuming_a_run_with_other_settings_is_a_clear_error_not_a_crash()
    {
        WriteCorpus();
        await Succeeds(["pretrain", "--corpus", Corpus, "--out", Model, "--run", RunFolder, .. TinyModel]);

        Assert.Equal(1, await Run(["pretrain", "--corpus", Corpus, "--out", Model, "--run", RunFolder, .. TinyModel, "--lr", "0.01"]));

        Assert.Contains("holds a run with other settings", _output.ToString());
    }

    [Fact]
    public async Task A_missing_corpus_is_a_clear_error_naming_the_file_and_the_option()
    {
        Assert.Equal(1, await Run(["pretrain", "--corpus", Corpus, "--out", Model, "--run", RunFolder, .. TinyModel]));

        Assert.Contains("train.txt' does not exist (--corpus)", _output.ToString());
    }

    private void WriteCorpus() => TestCorpus.Write(Corpus);

    private Task<int> Run(params string[] args) => CliRunner.Run(_output, args);

    private async Task Succeeds(params string[] args)
    {
        var exit = await Run(args);
        Assert.True(exit == 0, $"exit {exit}: {_output}");
    }

    [GeneratedRegex(@"validation perplexity \| \*\*([0-9.]+)\*\*")]
    private static partial Regex PerplexityInCard();

    public void Dispose() => _work.Dispose();
}
