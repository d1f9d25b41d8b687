namespace FineTune.Models.Llama;

/// <summary>
/// What a training forward keeps for backward, sized once for N = B·T tokens, plus the gradient
/// scratch backward reuses layer after layer. Shapes use C = hidden, I = intermediate,
/// NH·D / NKV·D = query / key-value widths, V = vocabulary.
/// </summary>
internal sealed class Activations
{
    private readonly float[][] _residuals;

    public Activations(LlamaConfig config, int tokens)
    {
        int n = tokens, c = config.HiddenSize, inner = config.IntermediateSize;
        int qWidth = config.NumHeads * config.HeadDim, kvWidth = config.NumKeyValueHeads * config.HeadDim;
        _residuals = new float[config.NumLayers + 1][];
        for (var l = 0; l < _residuals.Length; l++) _residuals[l] = new float[n * c];
        Layers = new LayerActivations[config.NumLayers];
        for (var l = 0; l < Layers.Length; l++) Layers[l] = new LayerActivations(n, c, inner, qWidth, kvWidth, config.NumHeads);
        FinalNorm = new float[n * c];
        FinalRstd = new float[n];
        Logits = new float[checked(n * config.VocabSize)];
        LossLogSumExp = new float[n];
        Scratch = new float[n * c];
        DResidual = new float[n * c];
        DScratch = new float[n * c];
        DHidden = new float[n * inner];
        DGate = new float[n * inner];
        DUp = new float[n * inner];
        DAttended = new float[n * qWidth];
        DQ = new float[n * qWidth];
        DK = new float[n * kvWidth];
        DV = new float[n * kvWidth];
    }

    /// <summary>Residual stream entering layer l (N,C); l = layers is the output of the last one.</summary>
    public Span<float> Residual(int layer) => _residuals[layer];

    public LayerActivations[] Layers { get; }
    public float[] FinalNorm { get; }   // (N,C)
    public float[] FinalRstd { get; }   // (N)
    public float[] Logits { get; }      // (N,V); dlogits after backward
    public float[] LossLogSumExp { get; } // (N) per-row log-sum-exp of the logits
    public float[] Scratch { get; }     // (N,C) projection outputs before the residual add

    public float[] DResidual { get; }   // (N,C)
    public float[] DScratch { get; }    // (N,C)
    public float[] DHidden { get; }     // (N,I)
    public float[] DGate { get; }       // (N,I)
    public float[] DUp { get; }         // (N,I)
    public float[] DAttended { get; }   // (N,NH·D)
    public float[] DQ { get; }          // (N,NH·D)
    public float[] DK { get; }          // (N,NKV·D)
    public float[] DV { get; }          // (N,NKV·D)
}

/// <summary>One decoder layer's saved activations.</summary>
internal sealed class LayerActivations(int n, int c, int inner, int qWidth, int kvWidth, int heads)
{
    public float[] Norm1 { get; } = new float[n * c];          // (N,C) input_layernorm output
    public float[] Rstd1 { get; } = new float[n];              // (N)
    public float[] Q { get; } = new float[n * qWidth];         // (N,NH·D) after rotary
    public float[] K { get; } = new float[n * kvWidth];        // (N,NKV·D) after rotary
    public float[] V { get; } = new float[n * kvWidth];        // (N,NKV·D)
    public float[] Attended { get; } = new float[n * qWidth];  // (N,NH·D) attention output
    public float[] LogSumExp { get; } = new float[n * heads];  // (B,NH,T)
    public float[] Mid { get; } = new float[n * c];            // (N,C) residual after attention
    public float[] Norm2 { get; } = new float[n * c];          // (N,C) post_attention_layernorm output
    public float[] Rstd2 { get; } = new float[n];              // (N)
    public float[] Gate { get; } = new float[n * inner];       // (N,I)
    public float[] Up { get; } = new float[n * inner];         // (N,I)
    public float[] Hidden { get; } = new float[n * inner];     // (N,I) silu(gate)·up
}
