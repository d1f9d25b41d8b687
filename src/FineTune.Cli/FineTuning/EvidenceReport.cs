using System.Globalization;
using System.Text;
using System.Text.Json;
using FineTune.Models.Evaluation;
using FineTune.Models.FineTuning;

namespace FineTune.Cli.FineTuning;

/// <summary>Writes <c>fine-tuning.md</c> and <c>fine-tuning.json</c>: one table per task, and the issue's expectations checked against the numbers.</summary>
internal static class EvidenceReport
{
    public static void Write(EvidenceSettings settings, IReadOnlyList<EvidenceRow> rows, double basePerplexity)
    {
        Directory.CreateDirectory(settings.OutputFolder);
        File.WriteAllText(Path.Combine(settings.OutputFolder, "fine-tuning.json"), JsonSerializer.Serialize(new
        {
            settings = new { settings.ModelFolder, settings.Epochs, settings.MaxSteps, settings.BatchSize, settings.TestLimit, settings.GeneralTextFile },
            machine = new { Environment.ProcessorCount, Os = Environment.OSVersion.VersionString },
            base_general_perplexity = basePerplexity,
            rows,
        }, FineTuneSummary.Json));
        File.WriteAllText(Path.Combine(settings.OutputFolder, "fine-tuning.md"), Markdown(settings, rows, basePerplexity));
    }

    private static string Markdown(EvidenceSettings settings, IReadOnlyList<EvidenceRow> rows, double basePerplexity)
    {
        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        md.AppendLine("# Fine-tuning evidence").AppendLine();
        md.AppendLine(c, $"Written by `finetune evidence` on {DateTime.UtcNow:yyyy-MM-dd}: each method trained for {settings.Epochs} epoch(s) (at most {settings.MaxSteps} steps) of {settings.BatchSize} examples per step on `{settings.ModelFolder}`, ");
        md.AppendLine(c, $"learning rate {EvidenceRun.LearningRate(FineTuneMethod.Lora):G} for the adapter methods and {EvidenceRun.LearningRate(FineTuneMethod.Full):G} for full and Half Fine-Tuning, rank 16 and alpha 32, ");
        md.AppendLine(c, $"scored on the first {settings.TestLimit} examples of each held-out test split, {Environment.ProcessorCount} CPU threads. General-text perplexity (forgetting) on `{settings.GeneralTextFile}`: base model {basePerplexity:F2}.").AppendLine();
        foreach (var task in rows.GroupBy(r => r.Task))
        {
            md.AppendLine(c, $"## {task.Key}").AppendLine();
            md.AppendLine(c, $"| method | {task.First().Metric} | also | steps | trainable params | frozen weights (MB) | peak memory (MB) | wall (s) | tokens/s (incl. validation) | general ppl |");
            md.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in task)
            {
                var run = r.Run;
                md.AppendLine(c, $"| {r.Method} | {r.Score * 100:F1} | {Secondary(r.Details)} | {(run is null ? "–" : run.Steps.ToString(c))} | {(run is null ? "–" : run.TrainableParameters.ToString("N0", c))} | {Mb(run?.FrozenWeightBytes)} | {Mb(run?.PeakWorkingSetBytes)} | {(run is null ? "–" : run.WallSeconds.ToString("F0", c))} | {(run is null ? "–" : run.TokensPerSecond.ToString("N0", c))} | {r.GeneralPerplexity:F2} |");
            }
            md.AppendLine();
        }
        foreach (var r in rows.Where(r => r.Run?.MergeMaxLogitShift is not null))
            md.AppendLine(c, $"QLoRA merged into its dequantized base ({r.Task}): logits move by at most {r.Run!.MergeMaxLogitShift:G3} (mean {r.Run.MergeMeanLogitShift:G3}) from the 4-bit model with the adapter beside it.").AppendLine();
        md.AppendLine("## Expectations").AppendLine();
        foreach (var line in Checks(rows)) md.AppendLine(c, $"- {line}");
        return md.ToString();
    }

    /// <summary>What explains the headline: how often the JSON parsed, partial credit, plain accuracy.</summary>
    private static string Secondary(TaskScore score) => string.Join(", ", new[]
    {
        score.ValidJsonRate is { } json ? $"valid JSON {json * 100:F0}%" : null,
        score.TokenF1Mean is { } f1 ? $"token F1 {f1 * 100:F1}" : null,
        score.Accuracy is { } accuracy ? $"accuracy {accuracy * 100:F1}%" : null,
    }.Where(part => part is not null));

    private static string Mb(long? bytes) => bytes is { } b ? (b / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) : "–";

    /// <summary>The issue's expectations, each stated as met or not met with the numbers behind it.</summary>
    private static IEnumerable<string> Checks(IReadOnlyList<EvidenceRow> rows)
    {
        var c = CultureInfo.InvariantCulture;
        foreach (var task in rows.GroupBy(r => r.Task))
        {
            var byMethod = task.ToDictionary(r => r.Method);
            var baseline = task.First(r => r.Run is null);
            var trained = task.Where(r => r.Run is not null).ToList();
            string Verdict(bool met) => met ? "met" : "**not met**";
            var lifted = trained.Where(r => r.Score > baseline.Score + 0.2).Select(r => r.Method).ToList();
            yield return string.Create(c, $"{task.Key}: every method far above the base model ({baseline.Score * 100:F1}): {Verdict(lifted.Count == trained.Count)} ({lifted.Count} of {trained.Count} by more than 20 points)");
            if (byMethod.TryGetValue("lora", out var lora) && byMethod.TryGetValue("dora", out var dora))
                yield return string.Create(c, $"{task.Key}: DoRA ≥ LoRA within noise (2 points): {Verdict(dora.Score >= lora.Score - 0.02)} ({dora.Score * 100:F1} vs {lora.Score * 100:F1})");
            if (lora is not null && byMethod.TryGetValue("qlora", out var qlora))
            {
                var ratio = (double)qlora.Run!.FrozenWeightBytes / lora.Run!.FrozenWeightBytes;
                yield return string.Create(c, $"{task.Key}: QLoRA within 2 points of LoRA: {Verdict(qlora.Score >= lora.Score - 0.02)} ({qlora.Score * 100:F1} vs {lora.Score * 100:F1}); frozen-weight memory below a third of LoRA's: {Verdict(ratio < 1 / 3.0)} ({ratio:F3}×)");
            }
            if (byMethod.TryGetValue("full", out var full))
                foreach (var name in new[] { "hft", "lora" })
                    if (byMethod.TryGetValue(name, out var other))
                        yield return string.Create(c, $"{task.Key}: {name} forgets less than full fine-tuning: {Verdict(other.GeneralPerplexity <= full.GeneralPerplexity)} (general ppl {other.GeneralPerplexity:F2} vs {full.GeneralPerplexity:F2})");
        }
    }
}
