using FineTune.Models.Training;

namespace FineTune.Models.Tests.Training;

public sealed class TokenWindowsSpecs
{
    private static readonly int[] Stream = Enumerable.Range(0, 100).ToArray();

    [Fact]
    public void Targets_are_the_inputs_shifted_by_one_and_a_step_always_gets_the_same_batch()
    {
        var windows = new TokenWindows(Stream, 5);
        int[] inputs = new int[15], targets = new int[15], again = new int[15], other = new int[15];

        windows.RandomBatch(seed: 4, step: 7, inputs, targets);
        windows.RandomBatch(seed: 4, step: 7, again, new int[15]);
        windows.RandomBatch(seed: 4, step: 8, other, new int[15]);

        for (var i = 0; i < 15; i++) Assert.Equal(inputs[i] + 1, targets[i]); // the stream counts up
        for (var row = 0; row < 3; row++)
            for (var t = 1; t < 5; t++) Assert.Equal(inputs[row * 5] + t, inputs[row * 5 + t]); // contiguous windows
        Assert.Equal(inputs, again);
        Assert.NotEqual(inputs, other);
    }

    [Fact]
    public void Consecutive_steps_draw_fresh_windows_rather_than_reusing_the_last_batch()
    {
        var stream = Enumerable.Range(0, 1_000_000).ToArray();
        var windows = new TokenWindows(stream, 4);
        var starts = new HashSet<int>();
        int[] inputs = new int[16 * 4], targets = new int[16 * 4];

        for (var step = 0; step < 200; step++)
        {
            windows.RandomBatch(seed: 1, step, inputs, targets);
            for (var row = 0; row < 16; row++) starts.Add(inputs[row * 4]);
        }

        // 3,200 draws from ~1M starts: a handful of chance collisions at most
        Assert.True(starts.Count > 3_150, $"only {starts.Count} distinct windows in 3,200 draws");
    }

    [Fact]
    public void Evenly_spaced_windows_run_from_the_start_to_the_end_of_the_stream()
    {
        var windows = new TokenWindows(Stream, 10);
        int[] inputs = new int[20], targets = new int[20];

        windows.EvenlySpaced(first: 0, total: 2, inputs, targets);

        Assert.Equal(0, inputs[0]);
        Assert.Equal(99, targets[^1]); // the last window ends at the stream's last token
    }

    [Fact]
    public void The_learning_rate_warms_up_linearly_then_decays_by_cosine_to_its_floor()
    {
        var schedule = new LearningRateSchedule(Peak: 1.0, WarmupSteps: 4, TotalSteps: 104, MinRatio: 0.1);

        Assert.Equal(0.25, schedule.At(0), 12);
        Assert.Equal(1.0, schedule.At(3), 12);
        Assert.Equal(1.0, schedule.At(4), 12);
        Assert.Equal(0.55, schedule.At(54), 12); // halfway: 0.1 + 0.9·(1 + cos π/2)/2
        Assert.Equal(0.1, schedule.At(104), 12);
    }

    [Fact]
    public void Linear_decay_falls_in_a_straight_line_from_the_peak_to_its_floor()
    {
        var schedule = new LearningRateSchedule(Peak: 1.0, WarmupSteps: 4, TotalSteps: 104, MinRatio: 0.0, Decay: LearningRateDecay.Linear);

        Assert.Equal(1.0, schedule.At(4), 12);
        Assert.Equal(0.75, schedule.At(29), 12); // a quarter of the way: 1 − 25/100
        Assert.Equal(0.5, schedule.At(54), 12);
        Assert.Equal(0.0, schedule.At(104), 12);
    }
}
