using FineTune.Engine.Layers;
using FineTune.Models.Llama;
using FineTune.Models.Tests.Parity;

namespace FineTune.Models.Tests.Llama;

public sealed class TrainingPassSpecs
{
    /// <summary>Same products summed in another order (two half batches instead of one).</summary>
    private const double AccumulationRelativeTolerance = 1e-5;

    [Fact]
    public void Frozen_parameters_get_no_gradient_and_the_trainable_ones_get_the_full_pass_gradient()
    {
        var fixture = TorchFixture.LoadNamed("bias_untied");
        var model = LlamaParitySpecs.ModelFrom(fixture);
        var shape = fixture.Shape("input_ids");
        var pass = new TrainingPass(model, shape[0], shape[1]);
        // what LoRA-style training leaves trainable: here, attention projections of layer 1 only
        pass.SetTrainable(t => t.Name.StartsWith("model.layers.1.self_attn.", StringComparison.Ordinal));
        Array.Fill(pass.Gradients, float.NaN); // any write into a frozen slice would show
        foreach (var t in model.Layout.All.Where(pass.IsTrainable)) t.Of(pass.Gradients).Clear();

        pass.Forward(fixture.Int("input_ids"), fixture.Int("targets"));
        pass.Backward();

        foreach (var tensor in model.Layout.All)
        {
            var gradient = tensor.Of(pass.Gradients).ToArray();
            if (pass.IsTrainable(tensor))
                LlamaParitySpecs.AssertClose(tensor.Name, fixture.Float("grad/" + tensor.Name), gradient, 1e-4);
            else
                Assert.All(gradient, g => Assert.True(float.IsNaN(g), $"{tensor.Name} is frozen but was written"));
        }
        Assert.Equal(7, pass.TrainableSlices().Count); // q, k, v weights and biases, o
    }

    [Fact]
    public void Two_accumulated_half_batches_give_the_gradient_of_the_whole_batch()
    {
        var model = LlamaModel.CreateRandom(InferenceSessionSpecs.TinyConfig, seed: 2, std: 0.3f);
        var random = new Random(4);
        const int length = 6;
        var ids = Enumerable.Range(0, 2 * length).Select(_ => random.Next(32)).ToArray();
        var targets = Enumerable.Range(0, 2 * length).Select(_ => random.Next(32)).ToArray();

        var whole = new TrainingPass(model, 2, length);
        whole.Forward(ids, targets);
        whole.Backward();

        var half = new TrainingPass(model, 1, length);
        for (var b = 0; b < 2; b++)
        {
            half.Forward(ids.AsSpan(b * length, length), targets.AsSpan(b * length, length));
            half.Backward(lossScale: 0.5f); // each half holds the same number of targets
        }

        LlamaParitySpecs.AssertClose("accumulated gradients", whole.Gradients, half.Gradients, AccumulationRelativeTolerance);
    }

    [Fact]
    public void The_loss_is_the_mean_over_unmasked_targets_only()
    {
        var model = LlamaModel.CreateRandom(InferenceSessionSpecs.TinyConfig, seed: 2, std: 0.3f);
        var pass = new TrainingPass(model, 1, 4);
        int[] ids = [1, 2, 3, 4];
        const int ignore = CrossEntropy.IgnoreIndex;

        var masked = pass.Forward(ids, [ignore, ignore, 7, 8]);
        pass.Forward(ids, [5, 6, 7, 8]);
        var logits = pass.Logits.ToArray();

        var expected = (RowLoss(logits, 2, 7) + RowLoss(logits, 3, 8)) / 2;
        Assert.Equal(expected, masked, 1e-5);
    }

    /// <summary>−log softmax(row)[target], in double.</summary>
    private static double RowLoss(float[] logits, int row, int target)
    {
        var v = InferenceSessionSpecs.TinyConfig.VocabSize;
        var values = logits.AsSpan(row * v, v).ToArray().Select(x => (double)x).ToArray();
        var max = values.Max();
        return Math.Log(values.Sum(x => Math.Exp(x - max))) + max - values[target];
    }

    [Fact]
    public void Backward_without_forward_and_a_batch_of_the_wrong_size_are_refused()
    {
        var model = LlamaModel.CreateRandom(InferenceSessionSpecs.TinyConfig, seed: 2);
        var pass = new TrainingPass(model, 2, 3);

        Assert.Throws<InvalidOperationException>(() => pass.Backward());
        var error = Assert.Throws<ArgumentException>(() => pass.Forward(new int[5], new int[6]));
        Assert.Contains("batch 2 × sequence 3 = 6", error.Message);
    }
}
