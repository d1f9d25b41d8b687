using System.Text.Json;
using FineTune.Testing;

namespace FineTune.Cli.Tests;

public sealed class EvidenceSpecs(TinyBaseModel tiny) : IClassFixture<TinyBaseModel>, IDisposable
{
    private readonly TempDirectory _work = new("evidence");
    private readonly StringWriter _output = new();

    [Fact]
    public async Task Evidence_trains_each_method_on_each_task_in_its_own_process_and_reports_every_row()
    {
        var tasks = Path.Combine(_work.Path, "tasks");
        WriteTasks(tasks);
        var report = Path.Combine(_work.Path, "report");

        var exit = await CliRunner.Run(_output, "evidence", "--model", tiny.Folder, "--tasks", tasks, "--methods", "lora", "qlora",
            "--general-text", Path.Combine(tiny.Corpus, "valid.txt"), "--max-steps", "2", "--batch", "4", "--test-limit", "3",
            "--out", report, "--work", Path.Combine(_work.Path, "work"));

        Assert.True(exit == 0, _output.ToString());
        var markdown = await File.ReadAllTextAsync(Path.Combine(report, "fine-tuning.md"));
        foreach (var task in new[] { "support_tickets", "clinical_notes", "product_reviews" })
            Assert.Contains($"## {task}", markdown);
        Assert.Contains("| field accuracy |", markdown);
        Assert.Contains("| exact match |", markdown);
        Assert.Contains("| macro-F1 |", markdown);
        Assert.Contains("QLoRA merged into its dequantized base", markdown);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(report, "fine-tuning.json")));
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(3 * 3, rows.Count); // base + two methods, three tasks
        var qlora = rows.First(r => r.GetProperty("method").GetString() == "qlora").GetProperty("run");
        var lora = rows.First(r => r.GetProperty("method").GetString() == "lora").GetProperty("run");
        // LoRA's frozen base is every weight in fp32; QLoRA's keeps only the embeddings and norms in fp32
        // (in this tiny model they are half the weights), the projections in about 4.1 bits
        Assert.Equal(4 * lora.GetProperty("total_parameters").GetInt64(), lora.GetProperty("frozen_weight_bytes").GetInt64());
        Assert.True(qlora.GetProperty("frozen_weight_bytes").GetInt64() < lora.GetProperty("frozen_weight_bytes").GetInt64() * 3 / 4);
    }

    /// <summary>The three shipped tasks' layout in miniature: chats with JSON replies, chats with text replies, labelled texts.</summary>
    private static void WriteTasks(string folder)
    {
        static string Chat(string user, string reply) => JsonSerializer.Serialize(new
        {
            messages = new object[] { new { role = "user", content = user }, new { role = "assistant", content = reply } },
        });
        void Split(string task, string file, Func<int, string> line)
        {
            Directory.CreateDirectory(Path.Combine(folder, task));
            File.WriteAllLines(Path.Combine(folder, task, file), Enumerable.Range(0, 8).Select(line));
        }
        foreach (var split in new[] { "train", "validation", "test" })
        {
            Split("support_tickets", $"{split}.jsonl", i => Chat($"The package {i} fails.", $"{{\"package\":\"{i}\"}}"));
            Split("clinical_notes", $"{split}.jsonl", i => Chat($"pt {i} ok", $"patient {i} ok"));
            Split("product_reviews", $"{split}.jsonl", i => Chat($"Review {i}: fine.", i % 2 == 0 ? "positive" : "negative"));
            Split("product_reviews", $"{split}_classification.jsonl", i => JsonSerializer.Serialize(new { text = $"Review {i}: fine.", label = i % 2 == 0 ? "positive" : "negative" }));
        }
    }

    public void Dispose() => _work.Dispose();
}
