namespace FineTune.Models.FineTuning.Search;

/// <summary>
/// The median stopping rule: a trial is hopeless at a step when its best validation loss so far is
/// worse, by more than the margin, than the median of the validation losses the completed trials
/// measured at that same step. It judges only where at least two completed trials measured the step.
/// </summary>
internal sealed class MedianStoppingRule(double margin)
{
    private readonly List<Dictionary<long, float>> _completed = [];

    public void AddCompleted(IEnumerable<FineTuneRecord> history) =>
        _completed.Add(history.Where(h => h.ValidationLoss is not null).ToDictionary(h => h.Step, h => h.ValidationLoss!.Value));

    public bool IsHopeless(long step, float bestSoFar)
    {
        var losses = _completed.Where(c => c.ContainsKey(step)).Select(c => c[step]).Where(float.IsFinite).Order().ToList();
        if (losses.Count < 2) return false;
        var middle = losses.Count / 2;
        var median = losses.Count % 2 == 1 ? losses[middle] : (losses[middle - 1] + losses[middle]) / 2.0;
        return bestSoFar > median + margin;
    }
}
