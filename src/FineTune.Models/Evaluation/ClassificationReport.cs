namespace FineTune.Models.Evaluation;

/// <summary>
/// Everything needed to judge a classifier on held-out data: accuracy for the headline, macro-F1 because it does not
/// reward always answering the majority class, per-class rows and the confusion matrix to see where errors go.
/// </summary>
/// <param name="Examples">Number of (reference, prediction) pairs scored.</param>
/// <param name="Accuracy">Fraction of predictions equal to their reference.</param>
/// <param name="MacroF1">Unweighted mean of <see cref="ClassMetrics.F1"/> over classes that count toward the macro average.</param>
/// <param name="Classes">Per-class metrics, one per class of the class set, in report order.</param>
/// <param name="Confusion">Reference-by-prediction counts.</param>
public sealed record ClassificationReport(
    int Examples, double Accuracy, double MacroF1, IReadOnlyList<ClassMetrics> Classes, ConfusionMatrix Confusion);
