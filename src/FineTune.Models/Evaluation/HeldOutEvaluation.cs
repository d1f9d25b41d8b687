using FineTune.Datasets;
using FineTune.Models.FineTuning;
using FineTune.Models.FineTuning.Data;
using FineTune.Models.Generation;
using FineTune.Models.Llama;

namespace FineTune.Models.Evaluation;

/// <summary>
/// Scores a model on a held-out split: chat tasks by greedy generation of each reply (batched, up to
/// the end of the turn) compared with the reference; classification by a trained head's argmax.
/// </summary>
public static class HeldOutEvaluation
{
    /// <summary>Prompts generated together: one prefill and one decode step per token for the whole group.</summary>
    public const int GenerationBatch = 32;

    public static TaskScore Generate(LlamaModel model, ModelText text, IReadOnlyList<ChatRecord> records, TaskKind kind,
        IReadOnlyList<string>? classes = null, int maxNewTokens = 64, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var score = new TaskScoreAccumulator(kind, classes);
        var generator = new LlamaGenerator(new InferenceSession(model));
        var stop = new List<int> { text.EndOfTextId };
        if (text.EndOfTurnId is { } endOfTurn) stop.Add(endOfTurn);
        var options = SamplingOptions.Greedy with { MaxNewTokens = maxNewTokens, StopTokenIds = stop };
        for (var start = 0; start < records.Count; start += GenerationBatch)
        {
            var group = records.Skip(start).Take(GenerationBatch).ToList();
            var results = generator.Generate([.. group.Select(r => text.ChatPrompt(r.Prompt))], options, cancellationToken: cancellationToken);
            for (var i = 0; i < group.Count; i++)
                score.Add(text.Tokenizer.Decode([.. results[i].TokenIds], skipSpecialTokens: true).Trim(), group[i].Reply);
            progress?.Report(start + group.Count);
        }
        return score.Result();
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
