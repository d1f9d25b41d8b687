using FineTune.Datasets;
using FineTune.Engine.Layers;
using FineTune.Models.Evaluation;
using FineTune.Models.FineTuning.Data;
using FineTune.Models.Llama;
using FineTune.Testing;
using FineTune.Tokenizers;
using FineTune.Tokenizers.Chat;

namespace FineTune.Models.Tests.Evaluation;

public sealed class TeacherForcedScoringSpecs
{
    /// <summary>Batched training-pass logits against one-token-at-a-time cached decoding: float sums in another order.</summary>
    private const double RelativeTolerance = 1e-4;

    private static readonly string BaseFolder = RepositoryFiles.PathOf("models", "finetune-base");
    private static readonly ModelText Text = ModelText.Load(BaseFolder);

    /// <summary>Random weights small enough to run the brute-force reference in milliseconds, over the base model's vocabulary.</summary>
    private static readonly LlamaModel Tiny = LlamaModel.CreateRandom(new LlamaConfig
    {
        VocabSize = Text.Tokenizer.VocabSize, HiddenSize = 32, IntermediateSize = 64, NumLayers = 2, NumHeads = 4, NumKeyValueHeads = 2, MaxPositionEmbeddings = 96,
    }, seed: 3, std: 0.3f);

    private static readonly ChatRecord[] Records =
    [
        new(1, [new(ChatRoles.System, "Be brief."), new(ChatRoles.User, "Which tool installs packages?"), new(ChatRoles.Assistant, "apt")]),
        new(2, [new(ChatRoles.User, "Name a text editor."), new(ChatRoles.Assistant, "nano, or vim if you like modes.")]),
        new(3, [new(ChatRoles.User, "Hi"), new(ChatRoles.Assistant, "Hello."), new(ChatRoles.User, "Bye"), new(ChatRoles.Assistant, "Goodbye!")]),
    ];

    [Fact]
    public void Reply_perplexity_matches_a_token_by_token_reference_over_the_assistant_tokens_only()
    {
        var score = TeacherForcedScoring.ReplyPerplexity(Tiny, Text, Records, batchSize: 2); // a padded batch and a partial one

        double logProbability = 0;
        long tokens = 0;
        foreach (var record in Records)
        {
            var example = Text.ChatExample(record.Messages);
            var scored = Enumerable.Range(1, example.Length - 1).Where(p => example.Labels[p] != CrossEntropy.IgnoreIndex).ToArray();
            var reference = ReferenceLogProbabilities(example.InputIds);
            logProbability += scored.Sum(p => reference[p]);
            tokens += scored.Length;
        }
        Assert.Equal(tokens, score.Tokens);
        AssertRelative(-logProbability / tokens, score.MeanLoss);
        AssertRelative(Math.Exp(-logProbability / tokens), score.Perplexity);
    }

    [Fact]
    public void Continuation_log_probabilities_match_a_token_by_token_reference_over_the_continuation_only()
    {
        (string Prompt, string Continuation)[] pairs =
        [
            ("The package manager", " installs software."),
            ("", "Empty prompts start from end of text."),
            ("Debian is a free operating system made by volunteers", " worldwide"),
        ];
        var scores = TeacherForcedScoring.ContinuationLogProbs(Tiny, Text, pairs, batchSize: 2);

        Assert.Equal(pairs.Length, scores.Count);
        for (var i = 0; i < pairs.Length; i++)
        {
            var prompt = Text.Tokenizer.Encode(pairs[i].Prompt, SpecialTokenPolicy.AsText);
            if (prompt.Length == 0) prompt = [Text.EndOfTextId];
            var continuation = Text.Tokenizer.Encode(pairs[i].Continuation, SpecialTokenPolicy.AsText);
            var reference = ReferenceLogProbabilities([.. prompt, .. continuation]);
            double expected = Enumerable.Range(prompt.Length, continuation.Length).Sum(p => reference[p]);

            Assert.Equal(continuation.Length, scores[i].Tokens);
            AssertRelative(expected, scores[i].LogProbability);
            AssertRelative(expected / continuation.Length, scores[i].MeanLogProbability);
        }
    }

    [Fact]
    public void The_base_model_prefers_the_continuation_its_corpus_taught_it_over_an_unrelated_one()
    {
        var model = LlamaCheckpoints.Load(BaseFolder);
        const string prompt = "In the beginning God created the";
        var scores = TeacherForcedScoring.ContinuationLogProbs(model, Text,
            [(prompt, " heaven and the earth."), (prompt, " kettle leaks quickly tomorrow.")]);

        Assert.True(scores[0].MeanLogProbability > scores[1].MeanLogProbability + 0.5,
            $"taught {scores[0].MeanLogProbability:F3} vs unrelated {scores[1].MeanLogProbability:F3} nats per token");
    }

    [Fact]
    public void A_continuation_with_nothing_to_score_or_too_long_for_the_context_is_named_by_its_index()
    {
        var empty = Assert.Throws<ArgumentException>(() => TeacherForcedScoring.ContinuationLogProbs(Tiny, Text, [("a", " b"), ("prompt", "")]));
        Assert.Contains("Pair 1", empty.Message);
        var tooLong = Assert.Throws<ArgumentException>(() =>
            TeacherForcedScoring.ContinuationLogProbs(Tiny, Text, [("a", string.Join(' ', Enumerable.Repeat("word", 200)))]));
        Assert.Contains("Pair 0", tooLong.Message);
        Assert.Contains("context of 96", tooLong.Message);
    }

    [Fact]
    public void A_long_prompt_loses_its_oldest_tokens_so_the_continuation_still_fits()
    {
        var prompt = string.Join(' ', Enumerable.Repeat("word", 200));
        var continuation = Text.Tokenizer.Encode(" end", SpecialTokenPolicy.AsText);
        var score = Assert.Single(TeacherForcedScoring.ContinuationLogProbs(Tiny, Text, [(prompt, " end")]));

        var kept = Text.Tokenizer.Encode(prompt, SpecialTokenPolicy.AsText)[^(Tiny.Config.MaxPositionEmbeddings - continuation.Length)..];
        var reference = ReferenceLogProbabilities([.. kept, .. continuation]);
        AssertRelative(Enumerable.Range(kept.Length, continuation.Length).Sum(p => reference[p]), score.LogProbability);
    }

    [Fact]
    public void A_chat_longer_than_the_context_is_named_by_its_line()
    {
        ChatRecord longRecord = new(42, [new(ChatRoles.User, string.Join(' ', Enumerable.Repeat("word", 200))), new(ChatRoles.Assistant, "ok")]);
        var error = Assert.Throws<ArgumentException>(() => TeacherForcedScoring.ReplyPerplexity(Tiny, Text, [longRecord]));
        Assert.Contains("line 42", error.Message);
    }

    /// <summary>log p(ids[p] | ids[..p]) for p ≥ 1 (index 0 unused), by cached decoding and a log-softmax in doubles.</summary>
    private static double[] ReferenceLogProbabilities(int[] ids)
    {
        var session = new InferenceSession(Tiny);
        var cache = session.NewCache(ids.Length);
        var logits = new float[Tiny.Config.VocabSize];
        var result = new double[ids.Length];
        for (var p = 0; p + 1 < ids.Length; p++)
        {
            session.Forward([new SequenceStep(cache, ids.AsMemory(p, 1))], logits);
            double max = logits.Max();
            double logSumExp = max + Math.Log(logits.Sum(l => Math.Exp(l - max)));
            result[p + 1] = logits[ids[p + 1]] - logSumExp;
        }
        return result;
    }

    private static void AssertRelative(double expected, double actual) =>
        Assert.True(Math.Abs(actual - expected) <= RelativeTolerance * Math.Abs(expected), $"expected {expected}, got {actual}");
}
