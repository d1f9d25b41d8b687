using FineTune.Datasets;
using FineTune.Models.FineTuning;
using FineTune.Models.FineTuning.Data;
using FineTune.Models.Generation;
using FineTune.Models.Llama;
using FineTune.Tokenizers.Chat;

namespace FineTune.Models.Evaluation;

/// <summary>
/// Scores a model on a held-out split: chat tasks by greedy generation of each reply (batched, up to
/// the end of the turn) compared with the reference; classification by a trained head's argmax.
/// </summary>
public static class HeldOutEvaluation
{
    /// <summary>Prompts generated together: one prefill and one decode step per token for the whole group.</summary>
    public const int GenerationBatch = 32;

    /// <summary>The task's score from greedy replies to each record's prompt (see <see cref="GenerateWithPredictions"/>).</summary>
    public static TaskScore Generate(LlamaModel model, ModelText text, IReadOnlyList<ChatRecord> records, TaskKind kind,
        IReadOnlyList<string>? classes = null, int maxNewTokens = 64, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        GenerateWithPredictions(model, text, records, kind, classes, maxNewTokens, progress, cancellationToken).Score;

    /// <summary>
    /// The task's score and the reply generated for each record, in record order, for reports that show what the model
    /// said. Each record is answered from <paramref name="prompt"/>(record), e.g. a few-shot prompt from
    /// <see cref="FewShotPrompts"/>, or from its own prompt turns when that is null.
    /// </summary>
    public static (TaskScore Score, IReadOnlyList<string> Predictions) GenerateWithPredictions(LlamaModel model, ModelText text,
        IReadOnlyList<ChatRecord> records, TaskKind kind, IReadOnlyList<string>? classes = null, int maxNewTokens = 64,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default, Func<ChatRecord, IReadOnlyList<ChatMessage>>? prompt = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        var score = new TaskScoreAccumulator(kind, classes);
        prompt ??= record => record.Prompt;
        var predictions = GenerateReplies(model, text, [.. records.Select(prompt)], maxNewTokens, cancellationToken, progress);
        for (var i = 0; i < records.Count; i++) score.Add(predictions[i], records[i].Reply);
        return (score.Result(), predictions);
    }

    /// <summary>
    /// Greedy replies to arbitrary chats (each rendered with the model's template and a reply header), generated
    /// <see cref="GenerationBatch"/> at a time up to the end of the turn, decoded without special tokens and trimmed.
    /// </summary>
    /// <param name="progress">Receives the number of prompts answered so far after each batch.</param>
    public static IReadOnlyList<string> GenerateReplies(LlamaModel model, ModelText text, IReadOnlyList<IReadOnlyList<ChatMessage>> prompts,
        int maxNewTokens = 64, CancellationToken cancellationToken = default, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(prompts);
        var generator = new LlamaGenerator(new InferenceSession(model));
        var stop = new List<int> { text.EndOfTextId };
        if (text.EndOfTurnId is { } endOfTurn) stop.Add(endOfTurn);
        var options = SamplingOptions.Greedy with { MaxNewTokens = maxNewTokens, StopTokenIds = stop };
        var replies = new List<string>(prompts.Count);
        for (var start = 0; start < prompts.Count; start += GenerationBatch)
        {
            var group = prompts.Skip(start).Take(GenerationBatch).ToList();
            var results = generator.Generate([.. group.Select(text.ChatPrompt)], options, cancellationToken: cancellationToken);
            replies.AddRange(results.Select(r => text.Tokenizer.Decode([.. r.TokenIds], skipSpecialTokens: true).Trim()));
            progress?.Report(start + group.Count);
        }
        return replies;
    }

    /// <summary>Macro-F1 of a classification head's predictions (the model may carry a merged adapter).</summary>
    public static TaskScore Classify(LlamaModel model, ClassificationHead head, ModelText text, IReadOnlyList<ClassRecord> records,
        IProgress<int>? progress = null)
    {
        var score = new TaskScoreAccumulator(TaskKind.Classification, head.Classes);
        var options = new FineTuneOptions { Task = FineTuneTask.SequenceClassification, Classes = head.Classes, Overlong = OverlongPolicy.Truncate };
        var set = ExampleSet.Prepare("test", [.. records.Select(r => text.ClassExample(r.Text, 0))], options, model.Config);
        var batches = new ExampleBatches(set, head.Batch, set.LongestExample, text.PadId);
        var pass = new TrainingPass(model, head.Batch, set.LongestExample);
        for (var b = 0; b < batches.BatchesPerEpoch; b++)
        {
            batches.Fill(seed: 0, epoch: 0, b, shuffle: false);
            head.Forward(pass.ForwardFeatures(batches.InputIds), batches.LastPositions, batches.ClassLabels, [], gamma: 0);
            for (var row = 0; row < head.Batch && b * head.Batch + row < records.Count; row++)
                score.Add(head.Classes[head.Predicted(row)], records[b * head.Batch + row].Label);
            progress?.Report(Math.Min(records.Count, (b + 1) * head.Batch));
        }
        return score.Result();
    }
}
