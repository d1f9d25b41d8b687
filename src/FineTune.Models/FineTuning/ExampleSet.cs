using FineTune.Engine.Layers;

namespace FineTune.Models.FineTuning;

/// <summary>
/// A split's examples checked against the model and the run's settings before anything trains:
/// not empty, every token in the vocabulary, every label a class, every example within the
/// sequence limit (or cut to it, when the settings say so). Errors name the split and the
/// example's 1-based line, which is its line in a JSONL file.
/// </summary>
public sealed class ExampleSet
{
    private ExampleSet(string name, IReadOnlyList<TrainingExample> examples, int truncated, int withoutLoss)
    {
        Name = name;
        Examples = examples;
        Truncated = truncated;
        WithoutLoss = withoutLoss;
        LongestExample = examples.Max(e => e.Length);
        Tokens = examples.Sum(e => (long)e.Length);
    }

    public string Name { get; }
    public IReadOnlyList<TrainingExample> Examples { get; }
    public int Count => Examples.Count;
    public int LongestExample { get; }
    public long Tokens { get; }
    /// <summary>Examples cut to the sequence limit (<see cref="OverlongPolicy.Truncate"/>).</summary>
    public int Truncated { get; }
    /// <summary>Language-model examples left with no labelled token to learn from (all prompt, or cut before the reply).</summary>
    public int WithoutLoss { get; }

    public static ExampleSet Prepare(string name, IReadOnlyList<TrainingExample> examples, FineTuneOptions options, LlamaConfig model)
    {
        if (examples.Count == 0) throw new ArgumentException($"The {name} set is empty; it needs at least one example.", name);
        var limit = options.SequenceLimit(model);
        var classify = options.Task == FineTuneTask.SequenceClassification;
        var prepared = new List<TrainingExample>(examples.Count);
        int truncated = 0, withoutLoss = 0;
        for (var i = 0; i < examples.Count; i++)
        {
            var example = examples[i];
            var where = $"{name} example {i + 1}";
            if (example.Length == 0) throw new ArgumentException($"{where} has no tokens.", name);
            if (!classify && example.Labels.Length != example.Length)
                throw new ArgumentException($"{where} has {example.Labels.Length} labels for {example.Length} tokens.", name);
            foreach (var id in example.InputIds)
                if ((uint)id >= (uint)model.VocabSize)
                    throw new ArgumentException($"{where} holds token id {id}, outside the model's vocabulary (0…{model.VocabSize - 1}).", name);
            if (classify && (uint)example.ClassLabel >= (uint)options.Classes.Count)
                throw new ArgumentException($"{where} has class {example.ClassLabel}; the run has {options.Classes.Count} classes (0…{options.Classes.Count - 1}).", name);
            if (example.Length > limit)
            {
                if (options.Overlong == OverlongPolicy.Reject)
                    throw new ArgumentException(
                        $"{where} has {example.Length} tokens; the limit is {limit} (max_seq_length, or the model's context). Shorten it, or set overlong to truncate.", name);
                example = example with { InputIds = example.InputIds[..limit], Labels = classify ? [] : example.Labels[..limit] };
                truncated++;
            }
            // the label at position 0 is never a target: targets are the labels shifted left by one
            if (!classify && !example.Labels.AsSpan(1).ContainsAnyExcept(CrossEntropy.IgnoreIndex)) withoutLoss++;
            prepared.Add(example);
        }
        if (!classify && withoutLoss == prepared.Count)
            throw new ArgumentException($"No example in the {name} set has a labelled token to learn from (are the assistant turns missing?).", name);
        return new ExampleSet(name, prepared, truncated, withoutLoss);
    }
}
