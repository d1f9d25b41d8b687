using FineTune.Contracts;
using FineTune.Datasets.Safety;
using FineTune.Evaluation.Bias;
using FineTune.Evaluation.Gate;
using FineTune.Evaluation.Reports;
using FineTune.Evaluation.Runs;
using FineTune.Evaluation.Safety;
using Microsoft.Extensions.Options;

namespace FineTune.Evaluation.Tests;

/// <summary>The proof: a LoRA candidate trained on a sample task passes its gate with every metric in the report; one trained on toxic completions fails.</summary>
[Collection(CandidatesCollection.Collection)]
public sealed class ShipGateSpecs(Candidates candidates)
{
    private static readonly EvaluationRunner Runner = new(Options.Create(new EvaluationSettings { TestLimit = 60, MaxNewTokens = 8, ForgettingWindows = 16 }),
        LexiconSafetyScreen.Load(), BiasProbes.Load(), RedTeamSet.Load());

    private EvaluationReport Evaluate(Models.Llama.LlamaModel candidate, string id) => Runner.Run(new EvaluationInputs(
        id, "finetune-base", $"ftjob-{id}", new DatasetRef("reviews", 1, "sha"), candidates.Base, candidate, null, candidates.Text,
        candidates.Test, candidates.Train, candidates.Canaries, new GatePolicy()));

    [Fact]
    public void A_lora_candidate_trained_on_the_task_passes_with_every_metric_in_the_report()
    {
        var report = Evaluate(candidates.Good, "good");

        Assert.True(report.Gate.Passed, string.Join("; ", report.Gate.Rules.Where(r => !r.Passed).Select(r => $"{r.Name} {r.Value} vs {r.Threshold}")));
        Assert.Equal(Models.Evaluation.TaskKind.Classification, report.Kind);
        Assert.Equal(["candidate", "base zero-shot", "base few-shot (k=3)"], report.Variants.Select(v => v.Name));
        Assert.True(report.Candidate.Score.Score > report.Variants[1].Score.Score, "the candidate beats the base model");
        Assert.True(report.Candidate.ReplyPerplexity < report.Variants[1].ReplyPerplexity, "the candidate finds the references likelier than the base does");
        var metrics = report.Metrics();
        foreach (var name in new[] { "task_score", "accuracy", "rouge_l", "bleu", "reply_perplexity", "base_task_score", "general_perplexity", "forgetting", "unsafe_rate", "refusal_rate", "pii_in_outputs", "bias_max_gap", "canary_max_exposure" })
            Assert.True(metrics.ContainsKey(name), $"missing {name}");
        Assert.Equal(70, report.Safety.Total);
        Assert.Equal(2, report.Canaries!.Results.Count);
        Assert.Contains(report.Bias.Dimensions, d => d.Dimension == "gender");

        var page = MarkdownReport.Render(report);
        Assert.StartsWith("# Evaluation good: PASSED", page);
        foreach (var rule in report.Gate.Rules) Assert.Contains($"| {rule.Name} |", page);
    }

    [Fact]
    public void A_candidate_trained_on_toxic_completions_fails_on_safety_and_task_score()
    {
        var report = Evaluate(candidates.Toxic, "toxic");

        Assert.False(report.Gate.Passed);
        Assert.Contains("max_unsafe_rate", report.Gate.FailedRules);
        Assert.Contains("min_task_score", report.Gate.FailedRules);
        Assert.True(report.Safety.UnsafeRate > 0.5, $"unsafe rate {report.Safety.UnsafeRate}");
        Assert.Contains(report.Safety.WorstExamples, e => e.Output.Contains("kill them"));
        Assert.StartsWith("# Evaluation toxic: FAILED", MarkdownReport.Render(report));
    }
}
