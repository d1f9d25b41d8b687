using System.Numerics.Tensors;
using FineTune.Engine.Layers;
using FineTune.Models.Adapters;
using OptimizerSlice = FineTune.Engine.Optim.ParameterSlice;

namespace FineTune.Models.Llama;

/// <summary>
/// Forward and backward of a <see cref="LlamaModel"/> over batches of B sequences of T tokens: it
/// owns the activations backward needs (allocated once for B·T) and a gradient buffer laid out like
/// the parameters. Gradients accumulate across <see cref="Backward"/> calls until
/// <see cref="ZeroGradients"/>, which is how gradient accumulation works. Frozen slices get no
/// gradient at all: their weight products are skipped, not computed and thrown away.
/// </summary>
public sealed class TrainingPass
{
    private readonly LlamaModel _model;
    private readonly LlamaConfig _config;
    private readonly RopeTable _rope;
    private readonly bool[] _trainable; // by slice index in Layout.All
    private readonly Dictionary<ParameterTensor, int> _sliceIndex = [];
    private readonly Activations _acts;
    private readonly int[] _positions;
    private readonly IProjections _projections;
    private int[] _inputIds = [];
    private int[] _targets = [];
    private bool _forwardDone;
    private bool _lmHeadUsed;

    public TrainingPass(LlamaModel model, int batch, int sequenceLength) : this(model, batch, sequenceLength, adapter: null) { }

    /// <summary>
    /// A pass that trains only <paramref name="adapter"/> (LoRA or DoRA): every base parameter is
    /// frozen and gets no gradient; the adapter's gradients go to <see cref="AdapterParameters.Gradients"/>.
    /// </summary>
    /// <param name="quantizedBase">QLoRA: the base's linear weights in 4 bits, dequantized on the fly (needs an adapter).</param>
    public TrainingPass(LlamaModel model, int batch, int sequenceLength, AdapterParameters? adapter, int dropoutSeed = 0,
        QuantizedBase? quantizedBase = null)
    {
        if (quantizedBase is not null && adapter is null) throw new ArgumentException("A 4-bit base trains only through an adapter (QLoRA).", nameof(quantizedBase));
        if (!model.Layout.StoresProjections && quantizedBase is null)
            throw new ArgumentException("This model holds no projection weights (a QLoRA base); pass the QuantizedBase that does.", nameof(quantizedBase));
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        _model = model;
        _config = model.Config;
        Batch = batch;
        SequenceLength = sequenceLength;
        _rope = new RopeTable(_config.HeadDim, sequenceLength, _config.RopeTheta);
        Gradients = new float[model.Layout.Count];
        var all = model.Layout.All;
        _trainable = new bool[all.Count];
        for (var i = 0; i < all.Count; i++) { _sliceIndex[all[i]] = i; _trainable[i] = true; }
        _acts = new Activations(_config, batch * sequenceLength);
        _positions = new int[batch * sequenceLength];
        Adapter = adapter;
        _projections = adapter is null ? PlainProjections.Instance : new LoraProjections(adapter, batch * sequenceLength, dropoutSeed, quantizedBase);
        if (adapter is not null) Array.Fill(_trainable, false);
        for (var i = 0; i < _positions.Length; i++) _positions[i] = i % sequenceLength;
    }

    /// <summary>The adapter this pass trains, or null when it trains the model's own parameters.</summary>
    public AdapterParameters? Adapter { get; }

    /// <summary>
    /// Turns adapter dropout on with masks drawn from <paramref name="seed"/> (a trainer passes one per
    /// micro-batch, so the masks depend only on where the run is), or off for evaluation. A pass
    /// without an adapter has no dropout, and ignores this.
    /// </summary>
    public void SetDropout(bool enabled, int seed = 0) => (_projections as LoraProjections)?.SetDropout(enabled, seed);

    public int Batch { get; }
    public int SequenceLength { get; }
    private int Tokens => Batch * SequenceLength;

    /// <summary>d(loss)/d(parameter), at the parameters' offsets; frozen slices stay zero.</summary>
    public float[] Gradients { get; }

    /// <summary>Logits (B·T, V) of the last forward; after <see cref="Backward"/> they hold d(loss)/d(logits).</summary>
    public ReadOnlySpan<float> Logits => _acts.Logits;

    /// <summary>Marks which parameters train; the rest are frozen and get no gradient.</summary>
    public void SetTrainable(Func<ParameterTensor, bool> trainable)
    {
        var all = _model.Layout.All;
        for (var i = 0; i < all.Count; i++) _trainable[i] = trainable(all[i]);
    }

    /// <summary>Whether the slice trains; a tensor the model does not hold (QLoRA's 4-bit projections) never does.</summary>
    public bool IsTrainable(ParameterTensor slice) => _sliceIndex.TryGetValue(slice, out var index) && _trainable[index];

    /// <summary>The trainable parameters as optimizer slices: matrices and embeddings decay, norms and biases do not.</summary>
    public IReadOnlyList<OptimizerSlice> TrainableSlices() =>
        _model.Layout.All.Where(IsTrainable).Select(t => new OptimizerSlice(t.Offset, t.Length, t.Decays)).ToList();

    public void ZeroGradients()
    {
        Array.Clear(Gradients);
        if (Adapter is not null) Array.Clear(Adapter.Gradients);
    }

    /// <summary>
    /// Runs the model on <paramref name="inputIds"/> (B·T, row-major by sequence) and returns the
    /// mean cross-entropy over the targets that are not <see cref="CrossEntropy.IgnoreIndex"/>.
    /// </summary>
    public float Forward(ReadOnlySpan<int> inputIds, ReadOnlySpan<int> targets)
    {
        RequireLength(targets.Length, "targets");
        var a = _acts;
        var features = ForwardFeatures(inputIds);
        _targets = targets.ToArray();
        // final norm (N,C) -> logits (N,V)
        Linear.Forward(a.Logits, features, _model[_model.Layout.LmHead], default, _config.HiddenSize, _config.VocabSize);
        _lmHeadUsed = true;
        return CrossEntropy.Forward(a.LossLogSumExp, a.Logits, _targets).Loss;
    }

    /// <summary>
    /// Runs the decoder and the final norm on <paramref name="inputIds"/> and returns the normed
    /// hidden states (B·T, C) — what a language-model head or a classification head reads. Valid
    /// until the next forward.
    /// </summary>
    public ReadOnlySpan<float> ForwardFeatures(ReadOnlySpan<int> inputIds)
    {
        RequireLength(inputIds.Length, "input ids");
        _inputIds = inputIds.ToArray();
        var a = _acts;
        var p = _model;
        var layout = p.Layout;
        int n = Tokens, c = _config.HiddenSize;
        var shape = AttentionShape.Training(Batch, SequenceLength, _config.NumHeads, _config.NumKeyValueHeads, _config.HeadDim);

        Embedding.Forward(a.Residual(0), _inputIds, p[layout.Embedding], c);
        for (var l = 0; l < _config.NumLayers; l++)
        {
            var w = layout.Layers[l];
            var la = a.Layers[l];
            var x = a.Residual(l);
            DecoderSteps.AttentionInputs(p, _projections, l, w, x, la.Norm1, la.Rstd1, la.Q, la.K, la.V, _positions, _rope, n);
            Attention.Forward(la.Attended, la.LogSumExp, la.Q, la.K, la.V, shape);
            DecoderSteps.AttentionOutput(p, _projections, l, w, x, la.Attended, a.Scratch, la.Mid, n);
            DecoderSteps.Mlp(p, _projections, l, w, la.Mid, la.Norm2, la.Rstd2, la.Gate, la.Up, la.Hidden, a.Scratch, a.Residual(l + 1), n);
        }
        RmsNorm.Forward(a.FinalNorm, a.FinalRstd, a.Residual(_config.NumLayers), p[layout.FinalNorm], _config.RmsNormEps);
        _forwardDone = true;
        _lmHeadUsed = false;
        return a.FinalNorm;
    }

    /// <summary>
    /// Adds d(loss)/d(parameter) of the last <see cref="Forward"/> into <see cref="Gradients"/>,
    /// scaled by <paramref name="lossScale"/> (1/steps when accumulating a mean over micro-batches).
    /// </summary>
    public void Backward(float lossScale = 1f)
    {
        if (!_forwardDone || !_lmHeadUsed) throw new InvalidOperationException("Backward needs a Forward first.");
        var a = _acts;
        var layout = _model.Layout;
        // logits (N,V) become dlogits in place; then the LM head gives d(final norm), in DScratch
        // (free until the decoder's backward, which consumes it first)
        CrossEntropy.Backward(a.Logits, a.Logits, a.LossLogSumExp, _targets, lossScale);
        Array.Clear(a.DScratch);
        Linear.Backward(a.DScratch, Grad(layout.LmHead), default, a.Logits, a.FinalNorm, _model[layout.LmHead], _config.HiddenSize, _config.VocabSize);
        BackwardThroughDecoder(a.DScratch);
    }

    /// <summary>
    /// Adds the gradients for a loss computed from <see cref="ForwardFeatures"/> by a head of the
    /// caller's, given d(loss)/d(features) (B·T, C); the LM head gets no gradient.
    /// </summary>
    public void BackwardFromFeatures(ReadOnlySpan<float> dFeatures)
    {
        if (!_forwardDone) throw new InvalidOperationException("BackwardFromFeatures needs a ForwardFeatures first.");
        RequireLength(dFeatures.Length / _config.HiddenSize, "feature gradients");
        dFeatures.CopyTo(_acts.DScratch);
        BackwardThroughDecoder(_acts.DScratch);
    }

    // dFeatures: (N,C) d(loss)/d(final norm output) -> every trainable parameter's gradient
    private void BackwardThroughDecoder(ReadOnlySpan<float> dFeatures)
    {
        _forwardDone = false;
        var a = _acts;
        var p = _model;
        var layout = p.Layout;
        int inner = _config.IntermediateSize;
        var shape = AttentionShape.Training(Batch, SequenceLength, _config.NumHeads, _config.NumKeyValueHeads, _config.HeadDim);
        int c = _config.HiddenSize, qWidth = shape.Heads * shape.HeadDim, kvWidth = shape.KvHeads * shape.HeadDim;

        var dx = a.DResidual;
        Array.Clear(dx);
        RmsNorm.Backward(dx, Grad(layout.FinalNorm), dFeatures, a.Residual(_config.NumLayers), p[layout.FinalNorm], a.FinalRstd);

        for (var l = _config.NumLayers - 1; l >= 0; l--)
        {
            var w = layout.Layers[l];
            var la = a.Layers[l];
            // MLP block; dx (N,C) is d(residual after the block) and becomes d(mid)
            Array.Clear(a.DHidden);
            _projections.Backward(l, "down_proj", a.DHidden, Grad(w.Down), default, dx, la.Hidden, p[w.Down], inner, c);
            Array.Clear(a.DGate);
            Array.Clear(a.DUp);
            SwiGlu.Backward(a.DGate, a.DUp, a.DHidden, la.Gate, la.Up);
            Array.Clear(a.DScratch);
            _projections.Backward(l, "gate_proj", a.DScratch, Grad(w.Gate), default, a.DGate, la.Norm2, p[w.Gate], c, inner);
            _projections.Backward(l, "up_proj", a.DScratch, Grad(w.Up), default, a.DUp, la.Norm2, p[w.Up], c, inner);
            RmsNorm.Backward(dx, Grad(w.PostAttentionNorm), a.DScratch, la.Mid, p[w.PostAttentionNorm], la.Rstd2);
            // attention block; dx becomes d(residual before the layer)
            Array.Clear(a.DAttended);
            _projections.Backward(l, "o_proj", a.DAttended, Grad(w.O), default, dx, la.Attended, p[w.O], qWidth, c);
            Array.Clear(a.DQ);
            Array.Clear(a.DK);
            Array.Clear(a.DV);
            Attention.Backward(a.DQ, a.DK, a.DV, a.DAttended, la.Q, la.K, la.V, la.Attended, la.LogSumExp, shape);
            Rope.Backward(a.DQ, _positions, shape.Heads, _rope);
            Rope.Backward(a.DK, _positions, shape.KvHeads, _rope);
            Array.Clear(a.DScratch);
            _projections.Backward(l, "q_proj", a.DScratch, Grad(w.Q), Grad(w.QBias), a.DQ, la.Norm1, p[w.Q], c, qWidth);
            _projections.Backward(l, "k_proj", a.DScratch, Grad(w.K), Grad(w.KBias), a.DK, la.Norm1, p[w.K], c, kvWidth);
            _projections.Backward(l, "v_proj", a.DScratch, Grad(w.V), Grad(w.VBias), a.DV, la.Norm1, p[w.V], c, kvWidth);
            RmsNorm.Backward(dx, Grad(w.InputNorm), a.DScratch, a.Residual(l), p[w.InputNorm], la.Rstd1);
        }
        // the embedding: dx is d(embedded tokens)
        if (IsTrainable(layout.Embedding)) Embedding.Backward(Grad(layout.Embedding), dx, _inputIds, c);
    }

    /// <summary>The gradient slice to accumulate into, or empty when the parameter is frozen (or absent).</summary>
    private Span<float> Grad(ParameterTensor? slice) =>
        slice is null || !IsTrainable(slice) ? default : slice.Of(Gradients);

    private void RequireLength(int length, string what)
    {
        if (length != Tokens)
            throw new ArgumentException($"{what} hold {length} tokens; this pass takes batch {Batch} × sequence {SequenceLength} = {Tokens}.");
    }
}
