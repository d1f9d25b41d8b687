namespace FineTune.Models.Llama;

/// <summary>
/// A Llama-family model: its shape, where each parameter lives, and the one buffer holding them.
/// Training passes (<see cref="TrainingPass"/>) and inference sessions (<see cref="InferenceSession"/>)
/// read the same buffer, so a fine-tuned model is served without a copy.
/// </summary>
public sealed class LlamaModel
{
    /// <param name="storeProjections">False for QLoRA's base, whose projection weights are held in 4 bits elsewhere (see <see cref="ParameterLayout"/>).</param>
    public LlamaModel(LlamaConfig config, float[]? parameters = null, bool storeProjections = true)
    {
        Config = config;
        Layout = new ParameterLayout(config, storeProjections);
        if (parameters is not null && parameters.Length != Layout.Count)
            throw new ArgumentException($"The parameter buffer holds {parameters.Length} floats; this config needs {Layout.Count}.", nameof(parameters));
        Parameters = parameters ?? new float[Layout.Count];
    }

    public LlamaConfig Config { get; }
    public ParameterLayout Layout { get; }

    /// <summary>Every parameter, at the offsets <see cref="Layout"/> names.</summary>
    public float[] Parameters { get; }

    public long ParameterCount => Layout.Count;

    public Span<float> this[ParameterTensor slice] => slice.Of(Parameters);

    /// <summary>
    /// Random weights as Hugging Face initialises a fresh Llama: normal(0, <paramref name="std"/>) for
    /// matrices and embeddings, ones for norms, zeros for biases. Deterministic for a seed.
    /// </summary>
    public static LlamaModel CreateRandom(LlamaConfig config, int seed, float std = 0.02f)
    {
        var model = new LlamaModel(config);
        var random = new Random(seed);
        foreach (var slice in model.Layout.All)
        {
            var values = model[slice];
            if (slice.Name.EndsWith("norm.weight", StringComparison.Ordinal)) values.Fill(1f);
            else if (slice.Name.EndsWith(".bias", StringComparison.Ordinal)) values.Clear();
            else
                for (var i = 0; i < values.Length; i++)
                    values[i] = (float)(std * NormalSample(random));
        }
        return model;
    }

    /// <summary>Box–Muller: one standard normal draw.</summary>
    internal static double NormalSample(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
