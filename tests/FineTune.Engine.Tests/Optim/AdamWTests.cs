using FineTune.Engine.Optim;

namespace FineTune.Engine.Tests.Optim;

public class AdamWTests
{
    /// <summary>The optimizer works in float; the expected values are computed in double from the formula.</summary>
    const double FloatVsDouble = 1e-6;

    const double Lr = 0.1, Beta1 = 0.9, Beta2 = 0.99, Eps = 1e-8, WeightDecay = 0.05;

    // Buffer of 8: elements 1–3 decay, 5–6 do not, 0, 4 and 7 are frozen (not listed).
    static readonly ParameterSlice[] Slices = [new(1, 3, Decay: true), new(5, 2, Decay: false)];
    static readonly float[] Start = [0.5f, 1f, -2f, 0.25f, 3f, -1f, 0.75f, 9f];
    static readonly float[][] Gradients =
    [
        [7f, 0.5f, -1f, 0.125f, 7f, 2f, -0.25f, 7f],
        [7f, -0.25f, -0.5f, 1f, 7f, 1.5f, 0.5f, 7f],
        [7f, 0.75f, 0.25f, -2f, 7f, -1f, 0f, 7f],
    ];

    [Fact]
    public void Three_steps_follow_the_torch_formula()
    {
        var parameters = (float[])Start.Clone();
        var optimizer = new AdamW(Lr, Beta1, Beta2, Eps, WeightDecay, Slices);

        // Expected, element by element in double: decoupled decay, moments, bias correction.
        var expected = Start.Select(p => (double)p).ToArray();
        double[] m = new double[8], v = new double[8];
        for (var t = 1; t <= Gradients.Length; t++)
        {
            optimizer.Step(parameters, Gradients[t - 1]);
            foreach (var slice in Slices)
                for (var i = slice.Offset; i < slice.Offset + slice.Length; i++)
                {
                    var g = (double)Gradients[t - 1][i];
                    if (slice.Decay) expected[i] *= 1 - Lr * WeightDecay;
                    m[i] = Beta1 * m[i] + (1 - Beta1) * g;
                    v[i] = Beta2 * v[i] + (1 - Beta2) * g * g;
                    var mHat = m[i] / (1 - Math.Pow(Beta1, t));
                    var vHat = v[i] / (1 - Math.Pow(Beta2, t));
                    expected[i] -= Lr * mHat / (Math.Sqrt(vHat) + Eps);
                }
            Assert.Equal(t, optimizer.StepCount);
            for (var i = 0; i < 8; i++)
                Assert.True(Math.Abs(parameters[i] - expected[i]) <= FloatVsDouble,
                    $"step {t}, parameter {i}: expected {expected[i]}, got {parameters[i]}");
        }
        // Frozen values were never touched, despite their large gradients.
        Assert.Equal([Start[0], Start[4], Start[7]], [parameters[0], parameters[4], parameters[7]]);
    }

    [Fact]
    public void First_step_moves_each_value_by_about_lr_against_its_gradient()
    {
        // At t = 1 the bias-corrected moments are g and g², so the step is lr·g/(|g| + eps).
        float[] parameters = [1f, 1f];
        var optimizer = new AdamW(Lr, Beta1, Beta2, Eps, WeightDecay, [new(0, 1, true), new(1, 1, false)]);
        optimizer.Step(parameters, [0.5f, -0.5f]);
        Assert.Equal(1 * (1 - Lr * WeightDecay) - Lr, parameters[0], 1e-6);
        Assert.Equal(1 + Lr, parameters[1], 1e-6);
    }

    [Fact]
    public void Exported_state_resumes_exactly()
    {
        var original = new AdamW(Lr, Beta1, Beta2, Eps, WeightDecay, Slices);
        var parameters = (float[])Start.Clone();
        original.Step(parameters, Gradients[0]);
        original.Step(parameters, Gradients[1]);
        var state = original.ExportState();
        Assert.Equal(2, state.Step);
        Assert.Equal(5, state.M.Length); // moments only for the 3 + 2 listed values

        var resumed = new AdamW(Lr, Beta1, Beta2, Eps, WeightDecay, Slices);
        resumed.ImportState(state);
        var copy = (float[])parameters.Clone();
        original.Step(parameters, Gradients[2]);
        resumed.Step(copy, Gradients[2]);
        Assert.Equal(parameters, copy);
        Assert.Equal(3, resumed.StepCount);

        // The export is a copy: stepping on does not change it.
        Assert.Equal(2, state.Step);
        Assert.Equal(original.ExportState().M.Length, state.M.Length);
        Assert.NotEqual(original.ExportState().M, state.M);
    }

    [Fact]
    public void Import_rejects_state_of_another_size()
    {
        var optimizer = new AdamW(Lr, Beta1, Beta2, Eps, WeightDecay, Slices);
        Assert.Throws<ArgumentException>(() => optimizer.ImportState(new AdamWState(new float[4], new float[4], 1)));
    }

    [Fact]
    public void ZeroGradients_clears_only_the_listed_slices()
    {
        var optimizer = new AdamW(Lr, Beta1, Beta2, Eps, WeightDecay, Slices);
        var gradients = Enumerable.Repeat(1f, 8).ToArray();
        optimizer.ZeroGradients(gradients);
        Assert.Equal([1f, 0, 0, 0, 1, 0, 0, 1], gradients);
    }

    [Fact]
    public void Rejects_overlapping_slices_and_slices_past_the_buffer()
    {
        Assert.Throws<ArgumentException>(() => new AdamW(Lr, Beta1, Beta2, Eps, WeightDecay, [new(0, 4, true), new(3, 2, true)]));
        var optimizer = new AdamW(Lr, Beta1, Beta2, Eps, WeightDecay, [new(4, 5, true)]);
        Assert.Throws<ArgumentException>(() => optimizer.Step(new float[8], new float[8]));
    }
}
