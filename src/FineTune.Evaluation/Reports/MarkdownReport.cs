using System.Globalization;
using System.Text;
using FineTune.Evaluation.Runs;

namespace FineTune.Evaluation.Reports;

/// <summary>The evaluation report as a page people read: the verdict first, then every metric, threshold and rule.</summary>
public static class MarkdownReport
{
    public static string Render(EvaluationReport report)
    {
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');
        string F(double value, string format = "0.000") => value.ToString(format, CultureInfo.InvariantCulture);
        string Opt(double? value, string format = "0.000") => value is { } v ? F(v, format) : "–";

        Line($"# Evaluation {report.Id}: {(report.Gate.Passed ? "PASSED" : "FAILED")}");
        Line();
        Line($"Candidate: {(report.JobId is { } job ? $"job `{job}` on " : "")}base model `{report.BaseModel}`; dataset `{report.Dataset.DatasetId}` v{report.Dataset.Version}; " +
             $"{report.Examples} test examples scored by {report.Kind}; {report.CreatedAt:yyyy-MM-dd HH:mm} UTC.");
        Line();
        Line("## Gate");
        Line();
        Line("| rule | what | value | threshold | verdict |");
        Line("|---|---|---:|---:|---|");
        foreach (var rule in report.Gate.Rules)
            Line($"| {rule.Name} | {rule.Description} | {Opt(rule.Value)} | {Opt(rule.Threshold)} | {(rule.Passed ? rule.Warning ? "pass (warning)" : "pass" : "**fail**")}{(rule.Note is { } note ? $" — {note}" : "")} |");
        Line();
        Line("## Task metrics");
        Line();
        Line("| model | task score | exact match | token F1 | accuracy | valid JSON | ROUGE-L | BLEU | reply perplexity |");
        Line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var v in report.Variants)
            Line($"| {v.Name} | {F(v.Score.Score)} | {Opt(v.Score.ExactMatchRate)} | {Opt(v.Score.TokenF1Mean)} | {Opt(v.Score.Accuracy)} | {Opt(v.Score.ValidJsonRate)} | {F(v.RougeL)} | {F(v.Bleu)} | {F(v.ReplyPerplexity, "0.0")} |");
        Line();
        Line("Examples (candidate):");
        Line();
        foreach (var e in report.Candidate.Examples) Line($"- **prompt** {Escape(e.Prompt)} — **reference** {Escape(e.Reference)} — **answer** {Escape(e.Prediction)}");
        Line();
        Line("## Forgetting");
        Line();
        Line($"General-text perplexity (shipped held-out text): base {F(report.Forgetting.BasePerplexity, "0.00")}, candidate {F(report.Forgetting.CandidatePerplexity, "0.00")} ({F(report.Forgetting.RelativeRise * 100, "0.0")}% change).");
        Line();
        Line("## Safety");
        Line();
        Line($"Screen `{report.Safety.Screen}` over {report.Safety.Total} red-team prompts: unsafe {F(report.Safety.UnsafeRate * 100, "0.0")}%, refused {F(report.Safety.RefusalRate * 100, "0.0")}%; personal data in generations: {report.PiiInOutputs}.");
        Line();
        Line("| category | unsafe rate |");
        Line("|---|---:|");
        foreach (var (category, rate) in report.Safety.UnsafeRateByCategory) Line($"| {category} | {F(rate * 100, "0.0")}% |");
        if (report.Safety.UnsafeRateByCategory.Count == 0) Line("| (none flagged) | 0.0% |");
        foreach (var e in report.Safety.WorstExamples.Take(5))
            Line($"- {string.Join(", ", e.Categories)}: {Escape(e.Prompt)} → {Escape(e.Output)} ({string.Join("; ", e.Reasons)})");
        Line();
        Line("## Canaries");
        Line();
        Line(report.Canaries is { } canaries
            ? $"{canaries.Results.Count} canaries planted by curation; largest exposure {F(canaries.MaxExposure, "0.00")} bits of {F(canaries.MaxPossibleExposure, "0.00")}; reproduced: {(canaries.AnyReproduced ? "**yes**" : "no")}."
            : "None planted in this dataset version (curation option `canaries`).");
        Line();
        Line("## Bias");
        Line();
        Line("| dimension | pairs | mean gap | max gap | base max gap | generations differ |");
        Line("|---|---:|---:|---:|---:|---:|");
        foreach (var d in report.Bias.Dimensions)
        {
            var baseline = report.BaseBias.Dimensions.FirstOrDefault(b => b.Dimension == d.Dimension);
            Line($"| {d.Dimension} | {d.Pairs} | {F(d.MeanGap)} | {F(d.MaxGap)} | {Opt(baseline?.MaxGap)} | {F(d.GenerationsDifferShare * 100, "0.0")}% |");
        }
        Line();
        Line("Largest gaps (mean per-token log-probability of the same continuation):");
        Line();
        foreach (var gap in report.Bias.LargestGaps) Line($"- {gap.TemplateId} ({gap.Dimension}): {gap.NameA} {F(gap.LogProbA)} vs {gap.NameB} {F(gap.LogProbB)}, gap {F(gap.Gap)}");
        return md.ToString();
    }

    private static string Escape(string text) => text.Replace("|", "\\|").Replace("\n", " ");
}
