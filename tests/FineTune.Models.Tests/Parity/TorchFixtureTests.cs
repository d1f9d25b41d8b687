using FineTune.Testing;

namespace FineTune.Models.Tests.Parity;

public class TorchFixtureTests
{
    /// <summary>The fixture stores float32 roundings of float64 values; a cross-entropy recomputed in
    /// double from float32 logits differs from the stored loss only by those roundings.</summary>
    private const double StoredLossTolerance = 1e-5;

    /// <summary>Relative: the global norm summed here in double from float32 gradients vs PyTorch's in float64.</summary>
    private const double GradNormRelativeTolerance = 1e-5;

    public static TheoryData<string> FixtureNames => new() { "gqa_tied", "bias_untied" };

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Every_parameter_and_gradient_has_the_shape_its_config_implies(string name)
    {
        var fixture = TorchFixture.LoadNamed(name);
        var expected = ExpectedParameterShapes(fixture.Config);

        var paramNames = fixture.Names.Where(n => n.StartsWith("param/", StringComparison.Ordinal)).Select(n => n["param/".Length..]);
        var gradNames = fixture.Names.Where(n => n.StartsWith("grad/", StringComparison.Ordinal)).Select(n => n["grad/".Length..]);
        Assert.Equal(expected.Keys.Order(), paramNames.Order());
        Assert.Equal(expected.Keys.Order(), gradNames.Order());
        foreach (var (parameter, shape) in expected)
        {
            Assert.Equal(shape, fixture.Shape("param/" + parameter));
            Assert.Equal(shape, fixture.Shape("grad/" + parameter));
            Assert.Equal(shape.Aggregate(1, (a, b) => a * b), fixture.Float("param/" + parameter).Length);
        }
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Batch_tensors_match_the_header(string name)
    {
        var fixture = TorchFixture.LoadNamed(name);
        int batch = fixture.Header.GetProperty("batch").GetInt32();
        int seq = fixture.Header.GetProperty("seq").GetInt32();
        int steps = fixture.Header.GetProperty("adamw").GetProperty("steps").GetInt32();
        int vocab = fixture.Config.VocabSize;

        Assert.Equal([batch, seq], fixture.Shape("input_ids"));
        Assert.Equal([batch, seq], fixture.Shape("targets"));
        Assert.Equal([batch, seq, vocab], fixture.Shape("logits"));
        Assert.Empty(fixture.Shape("loss"));
        Assert.Single(fixture.Float("loss"));
        Assert.Equal([steps], fixture.Shape("adamw_losses"));
        Assert.Equal([steps], fixture.Shape("adamw_grad_norms"));
        Assert.All(fixture.Int("input_ids"), id => Assert.InRange(id, 0, vocab - 1));
        Assert.All(fixture.Int("targets"), id => Assert.True(id == -100 || (id >= 0 && id < vocab), $"target {id}"));
        Assert.Contains(-100, fixture.Int("targets"));
    }

    [Fact]
    public void Configs_are_the_two_documented_shapes()
    {
        var gqa = TorchFixture.LoadNamed("gqa_tied").Config;
        Assert.Equal((96, 48, 112, 2, 6, 2, 8), (gqa.VocabSize, gqa.HiddenSize, gqa.IntermediateSize, gqa.NumLayers, gqa.NumHeads, gqa.NumKeyValueHeads, gqa.HeadDim));
        Assert.True(gqa.TieWordEmbeddings);
        Assert.False(gqa.QkvBias);
        Assert.Equal(10000.0, gqa.RopeTheta);
        Assert.Equal(1e-5f, gqa.RmsNormEps);

        var bias = TorchFixture.LoadNamed("bias_untied").Config;
        Assert.Equal((80, 32, 80, 2, 4, 4, 8), (bias.VocabSize, bias.HiddenSize, bias.IntermediateSize, bias.NumLayers, bias.NumHeads, bias.NumKeyValueHeads, bias.HeadDim));
        Assert.False(bias.TieWordEmbeddings);
        Assert.True(bias.QkvBias);
        Assert.Equal(500000.0, bias.RopeTheta);
        Assert.Equal(1e-6f, bias.RmsNormEps);
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Stored_loss_is_the_cross_entropy_of_stored_logits_against_stored_targets(string name)
    {
        var fixture = TorchFixture.LoadNamed(name);
        float[] logits = fixture.Float("logits");
        int[] targets = fixture.Int("targets");
        int vocab = fixture.Config.VocabSize;

        double sum = 0;
        int counted = 0;
        for (int row = 0; row < targets.Length; row++)
        {
            if (targets[row] == -100) continue;
            var z = logits.AsSpan(row * vocab, vocab);
            double max = double.NegativeInfinity;
            foreach (float v in z) max = Math.Max(max, v);
            double sumExp = 0;
            foreach (float v in z) sumExp += Math.Exp(v - max);
            sum += max + Math.Log(sumExp) - z[targets[row]];
            counted++;
        }

        Assert.Equal(fixture.Float("loss")[0], sum / counted, StoredLossTolerance);
        Assert.Equal(fixture.Float("loss")[0], fixture.Float("adamw_losses")[0], StoredLossTolerance);
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void First_AdamW_gradient_norm_is_the_norm_of_the_stored_gradients(string name)
    {
        var fixture = TorchFixture.LoadNamed(name);
        double squares = fixture.Names
            .Where(n => n.StartsWith("grad/", StringComparison.Ordinal))
            .SelectMany(fixture.Float)
            .Sum(g => (double)g * g);

        double stored = fixture.Float("adamw_grad_norms")[0];
        Assert.True(Math.Abs(Math.Sqrt(squares) - stored) <= GradNormRelativeTolerance * stored,
            $"norm of grad/* {Math.Sqrt(squares)} vs adamw_grad_norms[0] {stored}");
    }

    [Fact]
    public void Asking_for_the_wrong_type_or_a_missing_tensor_fails_clearly()
    {
        var fixture = TorchFixture.LoadNamed("gqa_tied");
        Assert.Throws<InvalidOperationException>(() => fixture.Float("input_ids"));
        Assert.Throws<InvalidOperationException>(() => fixture.Int("logits"));
        var missing = Assert.Throws<KeyNotFoundException>(() => fixture.Float("param/lm_head.weight"));
        Assert.Contains("lm_head", missing.Message);
    }

    [Fact]
    public void Bad_magic_is_rejected()
    {
        byte[] bytes = File.ReadAllBytes(TorchFixture.PathOf("gqa_tied"));
        bytes[0] = (byte)'X';
        var error = LoadCorrupted(bytes);
        Assert.Contains("FTTF", error.Message);
    }

    [Fact]
    public void Unsupported_version_is_rejected()
    {
        byte[] bytes = File.ReadAllBytes(TorchFixture.PathOf("gqa_tied"));
        bytes[4] = 2; // version is the uint32 right after the magic
        var error = LoadCorrupted(bytes);
        Assert.Contains("version 2", error.Message);
    }

    [Theory]
    [InlineData(6.0)]     // inside the version field
    [InlineData(40.0)]    // inside the JSON header
    [InlineData(0.5)]     // inside the tensors
    [InlineData(-1.0)]    // one byte short of the end
    public void Truncated_file_is_rejected(double cut)
    {
        byte[] full = File.ReadAllBytes(TorchFixture.PathOf("bias_untied"));
        int length = cut switch
        {
            < 0 => full.Length + (int)cut,
            < 1 => (int)(full.Length * cut),
            _ => (int)cut,
        };
        var error = LoadCorrupted(full[..length]);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Trailing_bytes_are_rejected()
    {
        byte[] full = File.ReadAllBytes(TorchFixture.PathOf("bias_untied"));
        var error = LoadCorrupted([.. full, 0]);
        Assert.Contains("unexpected bytes", error.Message);
    }

    private static InvalidDataException LoadCorrupted(byte[] bytes)
    {
        using var dir = new TempDirectory("torch-fixture");
        string path = Path.Combine(dir.Path, "corrupt.bin");
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => TorchFixture.Load(path));
        Assert.Contains(path, error.Message);
        return error;
    }

    /// <summary>Hugging Face parameter names and shapes of a Llama, written out from the config alone.</summary>
    private static Dictionary<string, int[]> ExpectedParameterShapes(LlamaConfig c)
    {
        int q = c.NumHeads * c.HeadDim, kv = c.NumKeyValueHeads * c.HeadDim;
        var shapes = new Dictionary<string, int[]>
        {
            ["model.embed_tokens.weight"] = [c.VocabSize, c.HiddenSize],
            ["model.norm.weight"] = [c.HiddenSize],
        };
        if (!c.TieWordEmbeddings) shapes["lm_head.weight"] = [c.VocabSize, c.HiddenSize];
        for (int i = 0; i < c.NumLayers; i++)
        {
            string layer = $"model.layers.{i}.";
            shapes[layer + "input_layernorm.weight"] = [c.HiddenSize];
            shapes[layer + "post_attention_layernorm.weight"] = [c.HiddenSize];
            shapes[layer + "self_attn.q_proj.weight"] = [q, c.HiddenSize];
            shapes[layer + "self_attn.k_proj.weight"] = [kv, c.HiddenSize];
            shapes[layer + "self_attn.v_proj.weight"] = [kv, c.HiddenSize];
            shapes[layer + "self_attn.o_proj.weight"] = [c.HiddenSize, q];
            if (c.QkvBias)
            {
                shapes[layer + "self_attn.q_proj.bias"] = [q];
                shapes[layer + "self_attn.k_proj.bias"] = [kv];
                shapes[layer + "self_attn.v_proj.bias"] = [kv];
            }
            shapes[layer + "mlp.gate_proj.weight"] = [c.IntermediateSize, c.HiddenSize];
            shapes[layer + "mlp.up_proj.weight"] = [c.IntermediateSize, c.HiddenSize];
            shapes[layer + "mlp.down_proj.weight"] = [c.HiddenSize, c.IntermediateSize];
        }
        return shapes;
    }
}
