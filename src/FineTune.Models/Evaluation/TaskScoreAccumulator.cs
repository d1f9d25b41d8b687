namespace FineTune.Models.Evaluation;

/// <summary>
/// Collects one task's examples as they are generated and reduces them to a <see cref="TaskScore"/>, so the evidence
/// report and the evaluation service score tasks the same way. Not thread-safe.
/// </summary>
public sealed class TaskScoreAccumulator
{
    private readonly IReadOnlyList<string>? _classes;
    private readonly List<string> _references = [];
    private readonly List<string> _predictedLabels = [];
    private int _examples;
    private double _fieldAccuracySum;
    private double _tokenF1Sum;
    private int _exactMatches;
    private int _validJson;

    /// <summary>Starts an empty accumulator for one task.</summary>
    /// <param name="kind">The metric family.</param>
    /// <param name="classes">Class names, required for <see cref="TaskKind.Classification"/> to map generated text to a class.</param>
    /// <exception cref="ArgumentException">Classification without classes.</exception>
    public TaskScoreAccumulator(TaskKind kind, IReadOnlyList<string>? classes = null)
    {
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown task kind.");
        if (kind == TaskKind.Classification && (classes is null || classes.Count == 0))
            throw new ArgumentException("Classification needs the class names to match generated text against.", nameof(classes));
        Kind = kind;
        _classes = classes;
    }

    /// <summary>The metric family this accumulator scores.</summary>
    public TaskKind Kind { get; }

    /// <summary>
    /// Scores one example. For classification the prediction is generated text, mapped with
    /// <see cref="ClassificationMetrics.MatchLabel"/> and counted as <see cref="ClassificationMetrics.NoneLabel"/> when no class matches.
    /// </summary>
    public void Add(string prediction, string reference)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(reference);
        switch (Kind)
        {
            case TaskKind.ExactMatch:
                bool match = TextMetrics.ExactMatch(prediction, reference);
                _exactMatches += match ? 1 : 0;
                _tokenF1Sum += TextMetrics.TokenF1(prediction, reference);
                break;
            case TaskKind.JsonFields:
                FieldScore fields = StructuredOutputMetrics.Score(prediction, reference);
                _validJson += fields.ValidJson ? 1 : 0;
                _exactMatches += fields.ValidJson && fields.FieldsCorrect == fields.FieldCount ? 1 : 0;
                _fieldAccuracySum += fields.Accuracy;
                break;
            case TaskKind.Classification:
                _references.Add(reference);
                _predictedLabels.Add(ClassificationMetrics.MatchLabel(prediction, _classes!) ?? ClassificationMetrics.NoneLabel);
                break;
        }
        _examples++;
    }

    /// <summary>The task's score over every example added so far.</summary>
    /// <exception cref="InvalidOperationException">No example was added: an empty held-out set has no score.</exception>
    public TaskScore Result()
    {
        if (_examples == 0) throw new InvalidOperationException("No examples were added.");
        double Rate(double sum) => sum / _examples;
        return Kind switch
        {
            TaskKind.ExactMatch => new TaskScore(Kind, _examples, Rate(_exactMatches),
                ExactMatchRate: Rate(_exactMatches), TokenF1Mean: Rate(_tokenF1Sum)),
            TaskKind.JsonFields => new TaskScore(Kind, _examples, Rate(_fieldAccuracySum),
                ValidJsonRate: Rate(_validJson), ExactMatchRate: Rate(_exactMatches)),
            _ => ClassificationScore(),
        };
    }

    private TaskScore ClassificationScore()
    {
        ClassificationReport report = ClassificationMetrics.Evaluate(_references, _predictedLabels, _classes);
        return new TaskScore(Kind, _examples, report.MacroF1, Accuracy: report.Accuracy);
    }
}
