namespace FineTune.Engine.Tests;

/// <summary>
/// Finite-difference checks for backward passes. A layer's output is reduced to the scalar
/// loss = Σ output·r for a fixed random r, whose gradient at the output is r itself; the
/// backward's gradient at each input is then compared with the numeric derivative of that loss.
/// </summary>
/// <remarks>
/// Inputs are drawn on a grid of 2⁻²⁰ so that x ± h and x ± 2h are exact in float32, and the
/// derivative uses the five-point stencil (8(f(x+h) − f(x−h)) − (f(x+2h) − f(x−2h))) / 12h, whose
/// truncation error is O(h⁴): h can then be large enough that float32 rounding in the forward
/// stays far below the tolerance. Outputs that do not depend on the perturbed element round
/// identically on both sides and cancel.
/// </remarks>
internal static class GradientCheck
{
    /// <summary>A power of two, so perturbing a grid value is exact.</summary>
    public const float Step = 1f / 128;

    /// <summary>
    /// Largest |analytic − numeric| allowed, relative to the largest |numeric| of the tensor.
    /// Observed errors reach 7e-5; this leaves room for other inputs without hiding a wrong
    /// term, which shows up at 1e-2 or more.
    /// </summary>
    public const double Tolerance = 1e-3;

    const float Grid = 1f / (1 << 20);

    /// <summary>Uniform values in [−scale, scale] on the 2⁻²⁰ grid, reproducible from the seed.</summary>
    public static float[] Random(int length, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (var i = 0; i < values.Length; i++)
            values[i] = MathF.Round((float)(random.NextDouble() * 2 - 1) * scale / Grid) * Grid;
        return values;
    }

    /// <summary>Σ output·r in double: the scalar whose gradient at the output is r.</summary>
    public static double Project(ReadOnlySpan<float> output, ReadOnlySpan<float> r)
    {
        Assert.Equal(r.Length, output.Length);
        double sum = 0;
        for (var i = 0; i < output.Length; i++) sum += (double)output[i] * r[i];
        return sum;
    }

    /// <summary>d loss / d input[i] for every i, perturbing <paramref name="input"/> in place (restored after).</summary>
    public static double[] Numeric(float[] input, Func<double> loss)
    {
        var gradient = new double[input.Length];
        for (var i = 0; i < input.Length; i++)
        {
            var original = input[i];
            double At(float offset)
            {
                input[i] = original + offset;
                return loss();
            }
            var near = At(Step) - At(-Step);
            var far = At(2 * Step) - At(-2 * Step);
            input[i] = original;
            gradient[i] = (8 * near - far) / (12.0 * Step);
        }
        return gradient;
    }

    /// <summary>Asserts max |analytic − numeric| ≤ tolerance · max |numeric| (and that the gradient is not trivially zero).</summary>
    public static void AssertMatches(ReadOnlySpan<float> analytic, double[] numeric, string name, double tolerance = Tolerance)
    {
        Assert.Equal(numeric.Length, analytic.Length);
        double scale = 0, worst = 0;
        var worstAt = -1;
        for (var i = 0; i < numeric.Length; i++)
        {
            scale = Math.Max(scale, Math.Abs(numeric[i]));
            var error = Math.Abs(analytic[i] - numeric[i]);
            if (error > worst) (worst, worstAt) = (error, i);
        }
        Assert.True(scale > 0, $"{name}: the numeric gradient is all zero, so the check proves nothing.");
        Assert.True(worst <= tolerance * scale,
            $"{name}: analytic {(worstAt < 0 ? 0 : analytic[worstAt])} vs numeric {(worstAt < 0 ? 0 : numeric[worstAt])} at {worstAt}; " +
            $"error {worst / scale:E2} of the largest gradient {scale:E2} (tolerance {tolerance:E0}).");
    }

    /// <summary>Asserts |actual − expected| ≤ tolerance · max(1, max |expected|) for every element.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string name)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 1, worst = 0;
        var worstAt = 0;
        foreach (var e in expected) scale = Math.Max(scale, Math.Abs(e));
        for (var i = 0; i < expected.Length; i++)
        {
            var error = Math.Abs((double)actual[i] - expected[i]);
            if (error > worst) (worst, worstAt) = (error, i);
        }
        Assert.True(worst <= tolerance * scale,
            $"{name}[{worstAt}]: expected {expected[worstAt]}, got {actual[worstAt]} " +
            $"(error {worst:E2}, tolerance {tolerance:E0} × {scale:G3}).");
    }
}
