using System.Text.Json.Serialization;

namespace FineTune.Monitoring.Pipeline;

/// <summary>One reported training step, as the curve endpoint shows it.</summary>
public sealed record CurvePoint(
    int Step,
    double Epoch,
    double TrainLoss,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? ValidationLoss,
    double LearningRate,
    double TokensPerSecond,
    DateTimeOffset At);

/// <summary>
/// A job's loss curve, sorted by step and bounded: when it grows past <see cref="MaxPoints"/> the
/// stride doubles until at most half remain, keeping only steps that are multiples of the stride plus
/// the newest point. A step is stored once, and a step below the newest that the stride would have
/// dropped is not taken back in, so redelivered progress never changes the curve.
/// </summary>
public sealed record TrainingCurve(IReadOnlyList<CurvePoint> Points, int Stride = 1)
{
    public const int MaxPoints = 2000;

    public static TrainingCurve Empty { get; } = new([]);

    public CurvePoint? Last => Points.Count == 0 ? null : Points[^1];

    public bool Holds(int step) => IndexOf(step) >= 0;

    /// <summary>The curve with <paramref name="point"/> in it, or null when it already holds the step or the stride drops it.</summary>
    public TrainingCurve? With(CurvePoint point)
    {
        var index = IndexOf(point.Step);
        if (index >= 0) return null;
        var isNewest = Last is not { } last || point.Step > last.Step;
        if (!isNewest && point.Step % Stride != 0) return null;

        var points = new List<CurvePoint>(Points);
        points.Insert(~index, point);
        // the point that was newest until now stays only if the stride would keep it anyway
        if (isNewest && points.Count > 1 && points[^2].Step % Stride != 0) points.RemoveAt(points.Count - 2);
        var stride = Stride;
        while (points.Count > MaxPoints / 2 && (points.Count > MaxPoints || stride != Stride))
        {
            stride *= 2;
            var newest = points[^1];
            points = [.. points.Where(p => p.Step % stride == 0 && p != newest), newest];
        }
        return new TrainingCurve(points, stride);
    }

    private int IndexOf(int step)
    {
        int low = 0, high = Points.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var found = Points[middle].Step;
            if (found == step) return middle;
            if (found < step) low = middle + 1;
            else high = middle - 1;
        }
        return ~low;
    }
}
