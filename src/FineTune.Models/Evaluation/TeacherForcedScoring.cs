using FineTune.Datasets;
using FineTune.Engine.Layers;
using FineTune.Models.FineTuning;
using FineTune.Models.FineTuning.Data;
using FineTune.Models.Llama;
using FineTune.Tokenizers;

namespace FineTune.Models.Evaluation;

/// <summary>
/// Scores reference text under a model without generating anything: each sequence goes through the training forward
/// pass once (no backward), and the log-probabilities of its labelled tokens are read off the logits. Batches are
/// right-padded as in fine-tuning, which is exact because attention is causal and pads are never targets.
/// </summary>
public static class TeacherForcedScoring
{
    /// <summary>
    /// Perplexity of each record's assistant replies given the rest of the chat, with the same template and loss mask
    /// fine-tuning uses (<see cref="ModelText.ChatExample"/>), so it is comparable with a run's validation loss.
    /// </summary>
    /// <exception cref="ArgumentException">No records, or a record is longer than the model's context.</exception>
    public static PerplexityScore ReplyPerplexity(LlamaModel model, ModelText text, IReadOnlyList<ChatRecord> records, int batchSize = 8)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(records);
        var examples = new List<TrainingExample>(records.Count);
        foreach (var record in records)
        {
            var example = text.ChatExample(record.Messages);
            if (example.Length > model.Config.MaxPositionEmbeddings)
                throw new ArgumentException(
                    $"The record on line {record.Line} renders to {example.Length} tokens; the model's context holds {model.Config.MaxPositionEmbeddings}.", nameof(records));
            examples.Add(example);
        }
        var scores = LabelLogProbabilities(model, "evaluation", examples, batchSize, text.PadId);
        long tokens = scores.Sum(s => (long)s.Tokens);
        double meanLoss = -scores.Sum(s => s.LogProbability) / tokens;
        return new PerplexityScore(Math.Exp(meanLoss), meanLoss, tokens);
    }

    /// <summary>
    /// Log-probability of each continuation after its prompt, both plain text without a chat template. Prompt and
    /// continuation are encoded separately and their ids joined, so the scored tokens are exactly the continuation's
    /// own encoding (put a leading space in the continuation where the words should be separated). An empty prompt is
    /// replaced by the end-of-text token, so the first continuation token still has a context; a prompt too long for
    /// the context loses its oldest tokens.
    /// </summary>
    /// <exception cref="ArgumentException">No pairs, an empty continuation, or one that alone fills the context.</exception>
    public static IReadOnlyList<ContinuationScore> ContinuationLogProbs(LlamaModel model, ModelText text,
        IReadOnlyList<(string Prompt, string Continuation)> pairs, int batchSize = 8)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(pairs);
        var context = model.Config.MaxPositionEmbeddings;
        var examples = new List<TrainingExample>(pairs.Count);
        for (var i = 0; i < pairs.Count; i++)
        {
            var (prompt, continuation) = pairs[i];
            int[] promptIds = text.Tokenizer.Encode(prompt, SpecialTokenPolicy.AsText);
            int[] continuationIds = text.Tokenizer.Encode(continuation, SpecialTokenPolicy.AsText);
            if (continuationIds.Length == 0) throw new ArgumentException($"Pair {i}: the continuation is empty; there is nothing to score.", nameof(pairs));
            if (continuationIds.Length >= context)
                throw new ArgumentException(
                    $"Pair {i}: the continuation encodes to {continuationIds.Length} tokens; with at least one token of prompt it must fit the model's context of {context}.",
                    nameof(pairs));
            if (promptIds.Length == 0) promptIds = [text.EndOfTextId];
            promptIds = promptIds[Math.Max(0, promptIds.Length + continuationIds.Length - context)..];
            int[] ids = [.. promptIds, .. continuationIds];
            int[] labels = [.. promptIds.Select(_ => CrossEntropy.IgnoreIndex), .. continuationIds];
            examples.Add(new TrainingExample(ids, labels));
        }
        return [.. LabelLogProbabilities(model, "continuation", examples, batchSize, text.PadId)
            .Select(s => new ContinuationScore(s.LogProbability, s.LogProbability / s.Tokens, s.Tokens))];
    }

    /// <summary>For each example, the summed log-probability of its labelled tokens (labels shifted by one, as in training) and their count.</summary>
    private static (double LogProbability, int Tokens)[] LabelLogProbabilities(LlamaModel model, string name,
        IReadOnlyList<TrainingExample> examples, int batchSize, int padId)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (examples.Count == 0) throw new ArgumentException($"The {name} set is empty; there is nothing to score.", nameof(examples));
        var set = ExampleSet.Prepare(name, examples, new FineTuneOptions { Overlong = OverlongPolicy.Reject }, model.Config);
        var batch = Math.Min(batchSize, set.Count);
        var length = set.LongestExample;
        var batches = new ExampleBatches(set, batch, length, padId);
        var pass = new TrainingPass(model, batch, length);
        var vocab = model.Config.VocabSize;
        var logSumExp = new float[batch * length];
        var scores = new (double, int)[set.Count];
        for (var b = 0; b < batches.BatchesPerEpoch; b++)
        {
            batches.Fill(seed: 0, epoch: 0, b, shuffle: false);
            pass.Forward(batches.InputIds, batches.Targets);
            // the pass keeps its per-row log-sum-exp to itself; recomputing it costs one sweep of the logits
            CrossEntropy.Forward(logSumExp, pass.Logits, batches.Targets);
            var logits = pass.Logits;
            for (var row = 0; row < batch && b * batch + row < set.Count; row++)
            {
                double sum = 0;
                var tokens = 0;
                for (var t = row * length; t < (row + 1) * length; t++)
                {
                    var target = batches.Targets[t];
                    if (target == CrossEntropy.IgnoreIndex) continue;
                    sum += logits[t * vocab + target] - (double)logSumExp[t];
                    tokens++;
                }
                scores[b * batch + row] = (sum, tokens);
            }
        }
        return scores;
    }
}
