using System.Text.Json;
using FineTune.Cli.FineTuning;
using FineTune.Models.Adapters;
using FineTune.Models.Llama;
using FineTune.Testing;

namespace FineTune.Cli.Tests;

/// <summary>A tiny base model pre-trained once for the class (seconds), to fine-tune through the CLI.</summary>
public sealed class TinyBaseModel : IDisposable
{
    private readonly TempDirectory _work = new("tiny-base");

    public TinyBaseModel()
    {
        TestCorpus.Write(Corpus);
        var output = new StringWriter();
        var exit = CliRunner.Run(output, ["pretrain", "--corpus", Corpus, "--out", Folder, "--run", Path.Combine(_work.Path, "run"), .. TestCorpus.TinyModel])
            .GetAwaiter().GetResult();
        if (exit != 0) throw new InvalidOperationException($"pre-training the tiny base failed: {output}");
    }

    public string Folder => Path.Combine(_work.Path, "model");
    public string Corpus => Path.Combine(_work.Path, "corpus");

    public void Dispose() => _work.Dispose();
}

public sealed class TrainSpecs(TinyBaseModel tiny) : IClassFixture<TinyBaseModel>, IDisposable
{
    private readonly TempDirectory _work = new("train");
    private readonly StringWriter _output = new();

    private string Out => Path.Combine(_work.Path, "out");
    private string RunFolder => Path.Combine(_work.Path, "run");
    private string Summary => Path.Combine(_work.Path, "summary.json");

    private string[] Common(string data, int steps = 6) =>
        ["train", "--model", tiny.Folder, "--data", data, "--out", Out, "--run", RunFolder, "--batch", "4", "--max-steps", $"{steps}", "--eval-every", "3", "--epochs", "10"];

    [Fact]
    public async Task Lora_training_writes_a_peft_adapter_a_loss_chart_and_a_summary_with_the_task_score_and_forgetting()
    {
        var chats = WriteChats("chats.jsonl", 24);
        await Succeeds([.. Common(chats), "--validation", chats, "--test", chats, "--test-limit", "4",
            "--general-text", Path.Combine(tiny.Corpus, "valid.txt"), "--summary", Summary]);

        var adapter = LoraAdapter.Load(Out, LlamaCheckpoints.Load(tiny.Folder).Config, baseModel: "model");
        Assert.Equal(8, adapter.Config.Rank);
        Assert.StartsWith("<svg", await File.ReadAllTextAsync(Path.Combine(Out, "loss.svg")));
        var summary = JsonSerializer.Deserialize<FineTuneSummary>(await File.ReadAllTextAsync(Summary), FineTuneSummary.Json)!;
        Assert.Equal(6, summary.Steps);
        Assert.Equal(adapter.ParameterCount, summary.TrainableParameters);
        Assert.Equal("exact match", summary.TestMetric);
        Assert.InRange(summary.TestScore!.Value, 0, 1);
        Assert.True(summary.GeneralPerplexityBefore > 1 && summary.GeneralPerplexityAfter > 1);
        Assert.True(summary.PeakWorkingSetBytes > 0 && summary.TokensPerSecond > 0);
        Assert.Equal(6, summary.LossCurve.Count);
    }

    [Fact]
    public async Task Running_the_same_command_again_resumes_instead_of_starting_over()
    {
        var chats = WriteChats("chats.jsonl", 24);
        await Succeeds(Common(chats));
        var adapter = await File.ReadAllBytesAsync(Path.Combine(Out, "adapter_model.safetensors"));
        _output.GetStringBuilder().Clear();

        await Succeeds(Common(chats));

        Assert.Contains("resumed at step 6", _output.ToString());
        Assert.Equal(adapter, await File.ReadAllBytesAsync(Path.Combine(Out, "adapter_model.safetensors")));
    }

    [Fact]
    public async Task A_classification_run_trains_a_head_on_text_and_label_records()
    {
        var path = Path.Combine(_work.Path, "labels.jsonl");
        await File.WriteAllLinesAsync(path, Enumerable.Range(0, 20).Select(i =>
            JsonSerializer.Serialize(new { text = i % 3 == 0 ? "The manual page is wrong." : "The package installs fine.", label = i % 3 == 0 ? "bad" : "good" })));

        await Succeeds([.. Common(path), "--method", "full", "--classify", "--focal-gamma", "2", "--test", path, "--summary", Summary]);

        Assert.True(File.Exists(Path.Combine(Out, "classifier.safetensors")));
        Assert.True(File.Exists(Path.Combine(Out, "model.safetensors")));
        var summary = JsonSerializer.Deserialize<FineTuneSummary>(await File.ReadAllTextAsync(Summary), FineTuneSummary.Json)!;
        Assert.Equal("macro-F1", summary.TestMetric);
    }

    [Fact]
    public async Task Continued_pretraining_on_raw_text_records_lowers_the_loss_on_that_text()
    {
        var path = Path.Combine(_work.Path, "text.jsonl");
        Directory.CreateDirectory(_work.Path);
        await File.WriteAllLinesAsync(path, Enumerable.Range(0, 16).Select(i =>
            JsonSerializer.Serialize(new { text = $"Release {i % 4} of the package manager adds a faster solver." })));

        await Succeeds([.. Common(path, steps: 20), "--method", "full", "--lr", "3e-3", "--validation", path, "--summary", Summary]);

        var summary = JsonSerializer.Deserialize<FineTuneSummary>(await File.ReadAllTextAsync(Summary), FineTuneSummary.Json)!;
        Assert.Equal("causal-lm", summary.Task);
        Assert.True(summary.LossCurve[^1] < 0.8f * summary.LossCurve[0], string.Join(" ", summary.LossCurve));
    }

    [Theory]
    [InlineData("--lr", "5", "Setting 'learning_rate': must be in (0, 1]")]
    [InlineData("--rank", "0", "LoRA rank must be positive")]
    [InlineData("--method", "prefix", "Unknown fine-tuning method 'prefix'")]
    [InlineData("--targets", "attn", "Setting 'target_modules': Unknown LoRA target module 'attn'")]
    [InlineData("--max-seq", "8", "the limit is 8 (max_seq_length")]
    public async Task A_bad_setting_ends_with_one_clear_line_before_training(string option, string value, string expected)
    {
        var chats = WriteChats("chats.jsonl", 4);

        Assert.Equal(1, await Run([.. Common(chats), option, value]));

        Assert.Contains(expected, _output.ToString());
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public async Task A_malformed_line_is_named_by_file_and_line()
    {
        var chats = WriteChats("chats.jsonl", 4);
        await File.AppendAllTextAsync(chats, "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n");

        Assert.Equal(1, await Run(Common(chats)));

        Assert.Contains("chats.jsonl:5, field 'messages': the last message must be the assistant's reply", _output.ToString().ReplaceLineEndings(""));
    }

    /// <summary>Chats in OpenAI's fine-tuning format: a question and a one-line answer.</summary>
    private string WriteChats(string name, int count)
    {
        var path = Path.Combine(_work.Path, name);
        Directory.CreateDirectory(_work.Path);
        File.WriteAllLines(path, Enumerable.Range(0, count).Select(i => JsonSerializer.Serialize(new
        {
            messages = new object[]
            {
                new { role = "system", content = "Answer in one word." },
                new { role = "user", content = $"Which tool installs package {i % 5}?" },
                new { role = "assistant", content = i % 2 == 0 ? "apt" : "dpkg" },
            },
        })));
        return path;
    }

    private Task<int> Run(params string[] args) => CliRunner.Run(_output, args);

    private async Task Succeeds(params string[] args)
    {
        var exit = await Run(args);
        Assert.True(exit == 0, $"exit {exit}: {_output}");
    }

    public void Dispose() => _work.Dispose();
}
