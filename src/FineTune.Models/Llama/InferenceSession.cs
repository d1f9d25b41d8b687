using FineTune.Engine.Layers;
using FineTune.Models.Adapters;

namespace FineTune.Models.Llama;

/// <summary>New tokens of one sequence for an <see cref="InferenceSession.Forward"/> step.</summary>
/// <param name="Cache">The sequence's keys and values so far; the tokens are appended to it.</param>
/// <param name="Tokens">A whole prompt (prefill) or the one token sampled last (decode).</param>
/// <param name="Adapter">The adapter this sequence is served with, on the session's base; null for the base itself.</param>
public readonly record struct SequenceStep(KvCache Cache, ReadOnlyMemory<int> Tokens, ServingAdapter? Adapter = null);

/// <summary>
/// Runs a <see cref="LlamaModel"/> forward for serving: every new token of every sequence in a step
/// goes through each weight matrix together (one GEMM of all rows — prefill and decode rows mixed),
/// while attention runs per sequence against its own <see cref="KvCache"/>. Only the last token of
/// each sequence reaches the vocabulary projection, the widest product of all. Sequences may name
/// different <see cref="ServingAdapter"/>s: the base product is still shared by every row, and each
/// run of rows with one adapter adds that adapter's delta (steps with the same adapter side by side
/// make fewer, larger adapter products).
/// Not thread-safe: one session per thread, any number of sessions per model.
/// </summary>
public sealed class InferenceSession
{
    private readonly LlamaModel _model;
    private readonly LlamaConfig _config;
    private readonly RopeTable _rope;
    private Buffers _buffers = new(0, 0, null!);
    private readonly List<AttentionWork> _attention = [];

    private readonly MixedAdapterProjections _projections;

    /// <param name="precision">
    /// Int8 serves the decoder's projections and the head from 8-bit copies (a quarter of the bytes per
    /// token); Float32 from packed float32 copies. The embedding and norms are always the model's own.
    /// </param>
    public InferenceSession(LlamaModel model, WeightPrecision precision = WeightPrecision.Float32)
    {
        if (!model.Layout.StoresProjections)
            throw new ArgumentException("This model holds no projection weights (a QLoRA base); serve QuantizedBase.Dequantized(model), or the merged model.", nameof(model));
        _model = model;
        _config = model.Config;
        _rope = new RopeTable(_config.HeadDim, _config.MaxPositionEmbeddings, _config.RopeTheta);
        Precision = precision;
        if (precision == WeightPrecision.Int8)
        {
            var int8 = new Int8Projections(model);
            (_projections, ProjectionBytes, ProjectionFloat32Bytes) = (new MixedAdapterProjections(int8), int8.Bytes, int8.Float32Bytes);
        }
        else
        {
            // packed once for the AVX-512 kernel: faster than OpenBLAS for a step's few rows, and a row's result does not depend on the others
            var packed = new PackedProjections(model);
            (_projections, ProjectionBytes, ProjectionFloat32Bytes) = (new MixedAdapterProjections(packed), packed.Bytes, packed.Bytes);
        }
    }

    public WeightPrecision Precision { get; }

    /// <summary>
    /// Bytes of the served copies of the projection and head weights (int8 blocks, or float32 packed
    /// panels — held beside the model's own parameters), and the same weights as float32 (the memory report).
    /// </summary>
    public long ProjectionBytes { get; }
    public long ProjectionFloat32Bytes { get; }

    public LlamaModel Model => _model;

    /// <summary>A cache for one sequence of at most <paramref name="capacity"/> positions (default: the model's context).</summary>
    public KvCache NewCache(int? capacity = null) =>
        new(_config, Math.Min(capacity ?? _config.MaxPositionEmbeddings, _config.MaxPositionEmbeddings));

    /// <summary>
    /// Appends each step's tokens to its cache and writes the logits after each sequence's last new
    /// token into <paramref name="logits"/> (steps × V), in step order.
    /// </summary>
    public void Forward(IReadOnlyList<SequenceStep> steps, Span<float> logits)
    {
        var v = _config.VocabSize;
        if (logits.Length != steps.Count * v)
            throw new ArgumentException($"logits hold {logits.Length} floats; {steps.Count} sequences need {steps.Count} × {v}.", nameof(logits));
        var rows = 0;
        foreach (var step in steps)
        {
            if (step.Tokens.Length == 0) throw new ArgumentException("Every sequence in a step needs at least one new token.", nameof(steps));
            if (step.Cache.Length + step.Tokens.Length > step.Cache.Capacity)
                throw new ArgumentException(
                    $"A sequence at position {step.Cache.Length} with {step.Tokens.Length} new tokens would pass its cache's capacity of {step.Cache.Capacity} positions.",
                    nameof(steps));
            if (step.Adapter is { } adapter && !ReferenceEquals(adapter.Base, _model))
                throw new ArgumentException($"The adapter '{adapter.Id}' was prepared for another base model than this session serves.", nameof(steps));
            rows += step.Tokens.Length;
        }
        var b = EnsureBuffers(rows, steps.Count);
        PlanAdapterSegments(steps);

        // gather ids and positions of every new row
        var row = 0;
        foreach (var step in steps)
        {
            var tokens = step.Tokens.Span;
            for (var i = 0; i < tokens.Length; i++, row++)
            {
                b.Ids[row] = tokens[i];
                b.Positions[row] = step.Cache.Length + i;
            }
        }

        int c = _config.HiddenSize, kvWidth = _config.NumKeyValueHeads * _config.HeadDim, qWidth = _config.NumHeads * _config.HeadDim;
        var x = b.X.AsSpan(0, rows * c);
        Embedding.Forward(x, b.Ids.AsSpan(0, rows), _model[_model.Layout.Embedding], c);
        for (var l = 0; l < _config.NumLayers; l++)
        {
            var w = _model.Layout.Layers[l];
            var q = b.Q.AsSpan(0, rows * qWidth);
            var attended = b.Attended.AsSpan(0, rows * qWidth);
            DecoderSteps.AttentionInputs(_model, _projections, l, w, x, b.Norm.AsSpan(0, rows * c), b.Rstd.AsSpan(0, rows), q,
                b.K.AsSpan(0, rows * kvWidth), b.V.AsSpan(0, rows * kvWidth), b.Positions.AsSpan(0, rows), _rope, rows);
            row = 0;
            _attention.Clear();
            foreach (var step in steps)
            {
                // this sequence's new keys and values join its cache, then its queries attend to all of it
                var cache = step.Cache;
                var count = step.Tokens.Length;
                b.K.AsSpan(row * kvWidth, count * kvWidth).CopyTo(cache.Keys(l).AsSpan(cache.Length * kvWidth));
                b.V.AsSpan(row * kvWidth, count * kvWidth).CopyTo(cache.Values(l).AsSpan(cache.Length * kvWidth));
                var shape = new AttentionShape(1, count, cache.Length + count, _config.NumHeads, _config.NumKeyValueHeads,
                    _config.HeadDim, queryOffset: cache.Length, kvCapacity: cache.Capacity);
                _attention.Add(new AttentionWork(b.Attended, row * qWidth, b.Q, row * qWidth, cache.Keys(l), cache.Values(l), shape));
                row += count;
            }
            Attention.ForwardEach(_attention); // every sequence's heads in one parallel loop
            DecoderSteps.AttentionOutput(_model, _projections, l, w, x, attended, b.Scratch.AsSpan(0, rows * c), x, rows);
            DecoderSteps.Mlp(_model, _projections, l, w, x, b.Norm.AsSpan(0, rows * c), b.Rstd.AsSpan(0, rows), b.Gate.AsSpan(0, rows * _config.IntermediateSize),
                b.Up.AsSpan(0, rows * _config.IntermediateSize), b.Hidden.AsSpan(0, rows * _config.IntermediateSize), b.Scratch.AsSpan(0, rows * c), x, rows);
        }

        // only each sequence's last row goes on to the head
        row = 0;
        for (var s = 0; s < steps.Count; s++)
        {
            row += steps[s].Tokens.Length;
            x.Slice((row - 1) * c, c).CopyTo(b.Last.AsSpan(s * c, c));
            steps[s].Cache.Length += steps[s].Tokens.Length;
        }
        DecoderSteps.Head(_model, _projections, b.Last.AsSpan(0, steps.Count * c), b.Norm.AsSpan(0, steps.Count * c), b.Rstd.AsSpan(0, steps.Count), logits, steps.Count);
    }

    // consecutive steps with the same adapter become one segment, so its delta is one product
    private void PlanAdapterSegments(IReadOnlyList<SequenceStep> steps)
    {
        var segments = _projections.Segments;
        segments.Clear();
        var row = 0;
        foreach (var step in steps)
        {
            var count = step.Tokens.Length;
            if (step.Adapter is { } adapter)
            {
                if (segments.Count > 0 && segments[^1] is var last && ReferenceEquals(last.Adapter, adapter) && last.Start + last.Count == row)
                    segments[^1] = last with { Count = last.Count + count };
                else segments.Add(new AdapterSegment(row, count, adapter));
            }
            row += count;
        }
    }

    private Buffers EnsureBuffers(int rows, int sequences)
    {
        if (_buffers.Rows < rows || _buffers.Sequences < sequences)
            _buffers = new Buffers(Math.Max(rows, _buffers.Rows), Math.Max(sequences, _buffers.Sequences), _config);
        return _buffers;
    }

    /// <summary>Scratch for one step, grown to the largest step seen and then reused.</summary>
    private sealed class Buffers
    {
        public Buffers(int rows, int sequences, LlamaConfig config)
        {
            Rows = rows;
            Sequences = sequences;
            if (rows == 0) return;
            int c = config.HiddenSize, inner = config.IntermediateSize;
            int qWidth = config.NumHeads * config.HeadDim, kvWidth = config.NumKeyValueHeads * config.HeadDim;
            Ids = new int[rows];
            Positions = new int[rows];
            X = new float[rows * c];
            Norm = new float[rows * c];
            Rstd = new float[rows];
            Q = new float[rows * qWidth];
            K = new float[rows * kvWidth];
            V = new float[rows * kvWidth];
            Attended = new float[rows * qWidth];
            Scratch = new float[rows * c];
            Gate = new float[rows * inner];
            Up = new float[rows * inner];
            Hidden = new float[rows * inner];
            Last = new float[sequences * c];
        }

        public int Rows { get; }
        public int Sequences { get; }
        public int[] Ids { get; } = [];
        public int[] Positions { get; } = [];
        public float[] X { get; } = [];        // (rows,C) residual stream, updated in place
        public float[] Norm { get; } = [];     // (rows,C)
        public float[] Rstd { get; } = [];     // (rows)
        public float[] Q { get; } = [];        // (rows,NH·D)
        public float[] K { get; } = [];        // (rows,NKV·D) before joining the caches
        public float[] V { get; } = [];        // (rows,NKV·D)
        public float[] Attended { get; } = []; // (rows,NH·D)
        public float[] Scratch { get; } = [];  // (rows,C)
        public float[] Gate { get; } = [];     // (rows,I)
        public float[] Up { get; } = [];       // (rows,I)
        public float[] Hidden { get; } = [];   // (rows,I)
        public float[] Last { get; } = [];     // (sequences,C) each sequence's last row
    }
}
