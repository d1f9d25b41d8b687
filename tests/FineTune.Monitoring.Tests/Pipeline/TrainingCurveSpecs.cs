using FineTune.Monitoring.Pipeline;

namespace FineTune.Monitoring.Tests.Pipeline;

public sealed class TrainingCurveSpecs
{
    [Fact]
    public void A_long_run_is_thinned_to_evenly_spaced_steps_within_the_bound_and_keeps_its_newest_point()
    {
        var curve = Steps(Enumerable.Range(1, 10_000));

        Assert.InRange(curve.Points.Count, TrainingCurve.MaxPoints / 4, TrainingCurve.MaxPoints);
        Assert.Equal(10_000, curve.Last!.Step);
        var gaps = curve.Points.Zip(curve.Points.Skip(1), (a, b) => b.Step - a.Step).ToList();
        Assert.All(gaps, gap => Assert.Equal(curve.Stride, gap));
    }

    [Fact]
    public void A_step_heard_again_changes_nothing_even_after_the_curve_was_thinned()
    {
        var curve = Steps(Enumerable.Range(1, 5_000));

        Assert.All(new[] { 1, 2, 3, 1_000, 1_001, 4_999, 5_000 }, step => Assert.Null(curve.With(Point(step))));
    }

    [Fact]
    public void Steps_arriving_out_of_order_are_stored_in_step_order()
    {
        var curve = Steps([30, 10, 40, 20]);

        Assert.Equal([10, 20, 30, 40], curve.Points.Select(p => p.Step));
    }

    private static TrainingCurve Steps(IEnumerable<int> steps) =>
        steps.Aggregate(TrainingCurve.Empty, (curve, step) => curve.With(Point(step)) ?? curve);

    private static CurvePoint Point(int step) => new(step, step / 100.0, 2.0 / step, null, 1e-3, 1000, DateTimeOffset.UnixEpoch.AddSeconds(step));
}
