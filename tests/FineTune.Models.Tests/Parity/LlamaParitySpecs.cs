using FineTune.Models.Llama;

namespace FineTune.Models.Tests.Parity;

/// <summary>
/// The C# Llama against the same model in PyTorch (scripts/torch/make_fixtures.py, computed in
/// float64): logits, loss and every parameter gradient from the same weights and batch.
/// </summary>
public sealed class LlamaParitySpecs
{
    /// <summary>Largest |C# − PyTorch| allowed, relative to the largest |PyTorch| value of the tensor.</summary>
    internal const double LogitsRelativeTolerance = 1e-4;
    private const double GradientRelativeTolerance = 1e-4;
    private const double LossRelativeTolerance = 1e-5;

    public static TheoryData<string> Fixtures => new() { "gqa_tied", "bias_untied" };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Logits_and_loss_match_pytorch(string name)
    {
        var fixture = TorchFixture.LoadNamed(name);
        var (pass, loss) = RunForward(fixture);

        AssertClose("logits", fixture.Float("logits"), pass.Logits.ToArray(), LogitsRelativeTolerance);
        AssertClose("loss", fixture.Float("loss"), [loss], LossRelativeTolerance);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Every_parameter_gradient_matches_pytorch(string name)
    {
        var fixture = TorchFixture.LoadNamed(name);
        var (pass, _) = RunForward(fixture);
        pass.Backward();

        var model = ModelFrom(fixture); // only for the layout
        foreach (var slice in model.Layout.All)
            AssertClose(slice.Name, fixture.Float("grad/" + slice.Name), slice.Of(pass.Gradients).ToArray(), GradientRelativeTolerance);
    }

    internal static LlamaModel ModelFrom(TorchFixture fixture)
    {
        var model = new LlamaModel(fixture.Config);
        foreach (var slice in model.Layout.All)
        {
            Assert.Equal(slice.Shape, fixture.Shape("param/" + slice.Name));
            fixture.Float("param/" + slice.Name).CopyTo(model[slice]);
        }
        return model;
    }

    private static (TrainingPass Pass, float Loss) RunForward(TorchFixture fixture)
    {
        var model = ModelFrom(fixture);
        var shape = fixture.Shape("input_ids");
        var pass = new TrainingPass(model, shape[0], shape[1]);
        var loss = pass.Forward(fixture.Int("input_ids"), fixture.Int("targets"));
        return (pass, loss);
    }

    internal static void AssertClose(string what, float[] expected, float[] actual, double relativeTolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 0, worst = 0;
        var worstAt = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            scale = Math.Max(scale, Math.Abs(expected[i]));
            var error = Math.Abs((double)expected[i] - actual[i]);
            if (error > worst) (worst, worstAt) = (error, i);
        }
        Assert.True(worst <= relativeTolerance * scale,
            $"{what}: largest error {worst:G3} at [{worstAt}] (expected {expected[Math.Max(0, worstAt)]}, got {actual[Math.Max(0, worstAt)]}) " +
            $"exceeds {relativeTolerance:G2} × max |expected| {scale:G3}");
    }
}
