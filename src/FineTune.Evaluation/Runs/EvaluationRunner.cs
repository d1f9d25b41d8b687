using System.Text.Json;
using FineTune.Datasets;
using FineTune.Datasets.Pii;
using FineTune.Datasets.Safety;
using FineTune.Evaluation.Bias;
using FineTune.Evaluation.Gate;
using FineTune.Evaluation.Safety;
using FineTune.Models.Evaluation;
using FineTune.Models.FineTuning.Data;
using FineTune.Models.Llama;
using FineTune.Models.Training;
using FineTune.Tokenizers.Chat;
using Microsoft.Extensions.Options;

namespace FineTune.Evaluation.Runs;

/// <summary>
/// The measuring itself, synchronous and on the engine: task metrics for every model compared,
/// forgetting on the shipped general text, the red-team set through the safety screen, canary
/// exposure, counterfactual bias, personal data in what the candidate generated — then the gate.
/// </summary>
public sealed class EvaluationRunner(IOptions<EvaluationSettings> settings, ISafetyScreen screen, BiasProbes probes, IReadOnlyList<RedTeamPrompt> redTeam)
{
    /// <summary>Random secrets each canary is ranked against (exposure tops out at log2 of this plus one).</summary>
    public const int CanaryCandidates = 100;
    private const int SequenceForForgetting = 128, ExamplesInReport = 5, BiasTokens = 12;

    public static string GeneralTextPath { get; } = DataFiles.PathOf("general-text.txt");

    public EvaluationReport Run(EvaluationInputs inputs, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var s = settings.Value;
        var test = inputs.Test.Take(s.TestLimit).ToList();
        if (test.Count == 0) throw new ArgumentException($"The test split of {inputs.Dataset.DatasetId} v{inputs.Dataset.Version} holds no chat records to score.", "dataset");
        var (kind, classes) = KindOf(test, inputs.TrainPool);

        progress?.Report("task metrics");
        var variants = new List<VariantResult>
        {
            Score("candidate", inputs.Candidate, inputs.Text, test, kind, classes, null, cancellationToken),
            Score("base zero-shot", inputs.Base, inputs.Text, test, kind, classes, null, cancellationToken),
        };
        if (s.FewShot > 0 && inputs.TrainPool.Count > s.FewShot)
            variants.Add(Score($"base few-shot (k={s.FewShot})", inputs.Base, inputs.Text, test, kind, classes,
                r => FewShotPrompts.Build(r, inputs.TrainPool, s.FewShot, seed: 0), cancellationToken));
        if (inputs.Production is { } production) variants.Add(Score("production", production, inputs.Text, test, kind, classes, null, cancellationToken));

        progress?.Report("forgetting");
        var forgetting = new ForgettingResult(GeneralPerplexity(inputs.Base, inputs.Text), GeneralPerplexity(inputs.Candidate, inputs.Text));

        progress?.Report("safety");
        var answers = Replies(inputs.Candidate, inputs.Text, redTeam.Select(p => p.Prompt).ToList(), s.MaxNewTokens, cancellationToken);
        var safety = SafetyReport.Build(screen, redTeam.Select((p, i) => (p.Prompt, answers[i])));
        var pii = new Dictionary<PiiKind, int>();
        foreach (var output in answers.Concat(variants[0].Examples.Select(e => e.Prediction))) PiiRedactor.Redact(output, pii);

        progress?.Report("canaries");
        var canaries = inputs.Canaries.Count == 0 ? null : new CanaryCheck(inputs.Canaries, CanaryCandidates).Run(
            prompts => Replies(inputs.Candidate, inputs.Text, prompts, 16, cancellationToken),
            pairs => [.. pairs.Select(p => ReplyLogProbability(inputs.Candidate, inputs.Text, p.Prompt, p.Continuation.Trim()))]);

        progress?.Report("bias");
        var bias = Bias(inputs.Candidate, inputs.Text, cancellationToken);
        var baseBias = Bias(inputs.Base, inputs.Text, cancellationToken);

        var gate = ShipGate.Judge(inputs.Policy, new GateInputs(
            variants[0].Score.Score, variants[1].Score.Score, variants.FirstOrDefault(v => v.Name == "production")?.Score.Score,
            forgetting.RelativeRise, safety.UnsafeRate, bias.Dimensions.Count == 0 ? null : bias.Dimensions.Max(d => d.MaxGap),
            canaries?.MaxExposure, pii.Values.Sum()));
        return new EvaluationReport
        {
            Id = inputs.Id, CreatedAt = DateTimeOffset.UtcNow, BaseModel = inputs.BaseModelName, JobId = inputs.JobId, Dataset = inputs.Dataset,
            Kind = kind, Examples = test.Count, Variants = variants, Forgetting = forgetting, Safety = safety, Canaries = canaries,
            Bias = bias, BaseBias = baseBias, PiiInOutputs = pii.Values.Sum(), Policy = inputs.Policy, Gate = gate,
        };
    }

    /// <summary>
    /// The metric family from the replies: JSON objects are scored field by field, replies from a small set
    /// (the classes, seen in train and test) by macro-F1, anything else by exact match with token F1 beside it.
    /// </summary>
    internal static (TaskKind Kind, IReadOnlyList<string>? Classes) KindOf(IReadOnlyList<ChatRecord> test, IReadOnlyList<ChatRecord> train)
    {
        if (test.All(r => IsJsonObject(r.Reply))) return (TaskKind.JsonFields, null);
        var classes = test.Concat(train).Select(r => r.Reply).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return classes.Count <= 20 && classes.Count * 10 <= test.Count + train.Count ? (TaskKind.Classification, classes) : (TaskKind.ExactMatch, null);
    }

    private static bool IsJsonObject(string text)
    {
        try { return JsonDocument.Parse(text).RootElement.ValueKind == JsonValueKind.Object; }
        catch (JsonException) { return false; }
    }

    private VariantResult Score(string name, LlamaModel model, ModelText text, IReadOnlyList<ChatRecord> test, TaskKind kind, IReadOnlyList<string>? classes,
        Func<ChatRecord, IReadOnlyList<ChatMessage>>? prompt, CancellationToken cancellationToken)
    {
        var (score, predictions) = HeldOutEvaluation.GenerateWithPredictions(model, text, test, kind, classes, settings.Value.MaxNewTokens,
            cancellationToken: cancellationToken, prompt: prompt);
        var pairs = predictions.Select((p, i) => (p, test[i].Reply)).ToList();
        return new VariantResult(name, score, pairs.Average(p => GenerationMetrics.RougeL(p.p, p.Reply)), GenerationMetrics.CorpusBleu(pairs),
            TeacherForcedScoring.ReplyPerplexity(model, text, test).Perplexity,
            [.. test.Take(ExamplesInReport).Select((r, i) => new ExamplePrediction(r.Messages.Last(m => m.Role == ChatRoles.User).Content, r.Reply, predictions[i]))]);
    }

    private double GeneralPerplexity(LlamaModel model, ModelText text)
    {
        var windows = new TokenWindows(text.Tokenizer.Encode(File.ReadAllText(GeneralTextPath), FineTune.Tokenizers.SpecialTokenPolicy.AsText), SequenceForForgetting);
        return Math.Exp(Pretrainer.Evaluate(model, windows, batchSize: 8, settings.Value.ForgettingWindows));
    }

    private static IReadOnlyList<string> Replies(LlamaModel model, ModelText text, IReadOnlyList<string> prompts, int maxNewTokens, CancellationToken cancellationToken) =>
        HeldOutEvaluation.GenerateReplies(model, text, [.. prompts.Select(p => (IReadOnlyList<ChatMessage>)[new ChatMessage(ChatRoles.User, p)])], maxNewTokens, cancellationToken);

    // the canary was planted as a chat turn, so its secret is scored as the reply to its prompt
    private static double ReplyLogProbability(LlamaModel model, ModelText text, string prompt, string reply)
    {
        var score = TeacherForcedScoring.ReplyPerplexity(model, text, [new ChatRecord(1, [new ChatMessage(ChatRoles.User, prompt), new ChatMessage(ChatRoles.Assistant, reply)])]);
        return -score.MeanLoss * score.Tokens;
    }

    private BiasReport Bias(LlamaModel model, ModelText text, CancellationToken cancellationToken) => probes.Run(
        pairs => [.. TeacherForcedScoring.ContinuationLogProbs(model, text, pairs).Select(c => c.MeanLogProbability)],
        prompts => Replies(model, text, prompts, BiasTokens, cancellationToken));
}
