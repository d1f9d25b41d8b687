namespace FineTune.Models.Evaluation;

/// <summary>
/// One class's row of a classification report, kept next to the macro average so that a weak minority class is
/// visible instead of being hidden inside a mean.
/// </summary>
/// <param name="Label">Class name.</param>
/// <param name="Precision">Correct predictions of this class over all predictions of it; 0 when it was never predicted.</param>
/// <param name="Recall">Correct predictions of this class over its references; 0 when it has none.</param>
/// <param name="F1">Harmonic mean of precision and recall, 2·TP / (2·TP + FP + FN); 0 when nothing was right.</param>
/// <param name="Support">How many references carry this class.</param>
/// <param name="Predicted">How many predictions name this class.</param>
public sealed record ClassMetrics(string Label, double Precision, double Recall, double F1, int Support, int Predicted)
{
    /// <summary>
    /// A class that nobody referenced or predicted (only listed as possible) has no evidence either way, so the
    /// macro average skips it rather than counting a meaningless 0.
    /// </summary>
    public bool CountsTowardMacroAverage => Support > 0 || Predicted > 0;
}
