using FineTune.Engine.Optim;
using FineTune.Models.Llama;

namespace FineTune.Models.Tests.Parity;

/// <summary>Ten training steps (clip to norm 1, AdamW) on one batch, against PyTorch's losses and gradient norms.</summary>
public sealed class AdamWParitySpecs
{
    /// <summary>Float32 against float64 over ten updates; the error grows a little with each step.</summary>
    private const double LossRelativeTolerance = 1e-4;
    private const double GradientNormRelativeTolerance = 1e-4;

    [Theory]
    [InlineData("gqa_tied")]
    [InlineData("bias_untied")]
    public void Ten_clipped_adamw_steps_follow_pytorch(string name)
    {
        var fixture = TorchFixture.LoadNamed(name);
        var hyper = fixture.Header.GetProperty("adamw");
        var betas = hyper.GetProperty("betas");
        var model = LlamaParitySpecs.ModelFrom(fixture);
        var shape = fixture.Shape("input_ids");
        var pass = new TrainingPass(model, shape[0], shape[1]);
        var optimizer = new AdamW(hyper.GetProperty("lr").GetDouble(), betas[0].GetDouble(), betas[1].GetDouble(),
            hyper.GetProperty("eps").GetDouble(), hyper.GetProperty("weight_decay").GetDouble(), pass.TrainableSlices());
        var maxNorm = (float)hyper.GetProperty("max_grad_norm").GetDouble();
        var expectedLosses = fixture.Float("adamw_losses");
        var expectedNorms = fixture.Float("adamw_grad_norms");

        for (var step = 0; step < expectedLosses.Length; step++)
        {
            var loss = pass.Forward(fixture.Int("input_ids"), fixture.Int("targets"));
            pass.ZeroGradients();
            pass.Backward();
            var norm = GradientClipping.ClipByGlobalNorm(pass.Gradients, maxNorm);
            optimizer.Step(model.Parameters, pass.Gradients);

            Assert.True(Math.Abs(loss - expectedLosses[step]) <= LossRelativeTolerance * Math.Abs(expectedLosses[step]),
                $"step {step}: loss {loss}, PyTorch {expectedLosses[step]}");
            Assert.True(Math.Abs(norm - expectedNorms[step]) <= GradientNormRelativeTolerance * expectedNorms[step],
                $"step {step}: gradient norm {norm}, PyTorch {expectedNorms[step]}");
        }
    }
}
