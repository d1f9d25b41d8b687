using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FineTune.Registry.Models;

/// <summary>
/// The model card of a version, as Markdown, from what the registry knows: intended use, base model,
/// data (with the dataset card's figures), method and hyperparameters, metrics, safety and bias, and
/// limitations — the page to read before promoting.
/// </summary>
public static class ModelCard
{
    public static string Render(Lineage lineage)
    {
        var v = lineage.Model;
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');
        string F(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

        Line($"# {v.Name} version {v.Version}");
        Line();
        Line($"`{v.Id}` — {v.Method} fine-tune of `{v.BaseModel}`, registered {v.CreatedAt:yyyy-MM-dd HH:mm} UTC from training job `{v.JobId}`.");
        Line();
        Line("## Intended use");
        Line();
        Line(lineage.Dataset is { } data
            ? $"The task of dataset `{data.Dataset}` v{data.Version} ({data.TaskType}): prompts like its test split, in English. Not for other tasks, languages or unreviewed high-stakes decisions."
            : $"The task of dataset `{v.Dataset.DatasetId}` v{v.Dataset.Version}. Not for other tasks or unreviewed high-stakes decisions.");
        Line();
        Line("## Base model and method");
        Line();
        var h = v.Hyperparameters;
        Line($"- base model: `{v.BaseModel}`; method: {v.Method}; weights: {(v.IsAdapter ? "PEFT adapter" : "full model")} at `{v.Artifact.Uri}` (sha256 `{v.Artifact.Sha256}`)");
        Line($"- epochs {h.Epochs}, batch size {h.BatchSize}, learning rate {F(h.LearningRate)} ({h.Schedule}), warm-up {h.WarmupSteps} steps" +
             (h.LoraRank is { } rank ? $", rank {rank}, alpha {F(h.LoraAlpha ?? 0)}, dropout {F(h.LoraDropout ?? 0)}, targets {string.Join(", ", h.TargetModules ?? [])}" : "") +
             (h.EarlyStoppingPatience is { } patience ? $", early stopping after {patience} evaluations without improvement" : ""));
        Line($"- trained {v.Steps} steps; final training loss {F(v.FinalTrainLoss)}{(v.FinalValidationLoss is { } loss ? $", best validation loss {F(loss)}" : "")}");
        Line();
        Line("## Data");
        Line();
        Line($"Dataset `{v.Dataset.DatasetId}` v{v.Dataset.Version} (sha256 `{v.Dataset.Sha256}`), curated from {(lineage.Sources.Count == 0 ? "sources the registry cannot see" : string.Join(", ", lineage.Sources.Select(s => $"`{s.Filename ?? s.FileId}`")))}.");
        if (lineage.DatasetCard is { } card)
        {
            if (card.TryGetProperty("split_records", out var splits))
                Line($"Records: {string.Join(", ", splits.EnumerateObject().Select(p => $"{p.Name} {p.Value.GetInt32():N0}"))}.");
            if (card.TryGetProperty("steps", out var steps))
                Line($"Curation: {string.Join("; ", steps.EnumerateArray().Select(s => $"{s.GetProperty("step").GetString()} {s.GetProperty("records_in").GetInt64():N0} → {s.GetProperty("records_out").GetInt64():N0}"))}.");
            if (card.TryGetProperty("pii_redacted", out var pii) && pii.EnumerateObject().Any())
                Line($"Personal data redacted: {string.Join(", ", pii.EnumerateObject().Select(p => $"{p.Name} {p.Value.GetInt32()}"))}.");
        }
        Line();
        Line("## Evaluation, safety and bias");
        Line();
        if (lineage.Evaluation is { } evaluation)
        {
            Line($"Gate: **{(evaluation.Passed ? "passed" : "failed")}**{(evaluation.FailedChecks.Count > 0 ? $" ({string.Join(", ", evaluation.FailedChecks)})" : "")}; full report `{evaluation.Report.Uri}`.");
            Line();
            Line("| metric | value |");
            Line("|---|---:|");
            foreach (var (name, value) in evaluation.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal)) Line($"| {name} | {F(value)} |");
        }
        else Line("Not evaluated yet.");
        Line();
        Line("## Limitations");
        Line();
        Line("- Small base model: answers outside the training task are unreliable; check the forgetting and safety figures above.");
        Line("- The safety screen is rule- and lexicon-based: it misses harm phrased in words it does not list, and can flag harmless text that uses them.");
        Line("- Bias probes cover gender and a few origins in English templates only.");
        if (lineage.Deployments.Count > 0)
        {
            Line();
            Line("## Deployments");
            Line();
            foreach (var d in lineage.Deployments) Line($"- `{d.Alias}` since {d.At:yyyy-MM-dd HH:mm} UTC by {d.By} ({d.Reason}){(d.Current ? "" : " — since moved")}");
        }
        return md.ToString();
    }
}
