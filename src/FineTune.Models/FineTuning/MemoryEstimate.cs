using System.Globalization;
using System.Numerics;
using FineTune.Engine.Quantization;
using FineTune.Models.Adapters;
using FineTune.Models.Llama;

namespace FineTune.Models.FineTuning;

/// <summary>
/// The memory a fine-tuning job will hold at its peak, in bytes, by part — what the training
/// service checks against a worker before it starts a job, so a job that cannot fit is refused
/// with numbers and settings to change instead of dying half-way. Each part counts the buffers
/// <see cref="FineTuner"/> and <see cref="TrainingPass"/> actually allocate for the method, batch
/// and sequence length; the estimate assumes QLoRA's base is loaded as the service loads it
/// (<see cref="QuantizedBase.Load"/>: projections in 4 bits only).
/// </summary>
public sealed record MemoryEstimate
{
    /// <summary>
    /// What a worker process holds besides the job: the .NET runtime and its JIT-compiled code,
    /// OpenBLAS's per-thread buffers, the tokenizer and the examples. A test process that has
    /// trained once holds 100–150 MB before its next job; this leaves room above that for the
    /// tokenizer and a large data set.
    /// </summary>
    public const long RuntimeAllowance = 256L << 20;

    private const long FloatBytes = sizeof(float);

    private MemoryEstimate() { }

    public FineTuneMethod Method { get; private init; }
    public int BatchSize { get; private init; }
    public int SequenceLength { get; private init; }
    /// <summary>Values the optimizer updates (see <see cref="FineTuning.TrainableParameters"/>).</summary>
    public long TrainableParameters { get; private init; }

    /// <summary>The model (fp32; QLoRA: 4-bit projections, fp32 rest and one dequantized matrix), plus the adapter and head.</summary>
    public long Weights { get; private init; }

    /// <summary>
    /// The trainable values' gradients, plus the training pass's gradient buffer laid out like the
    /// model's own: the pass keeps and clears it every step even when only an adapter trains.
    /// </summary>
    public long Gradients { get; private init; }

    /// <summary>AdamW's two moments, their copy while a checkpoint is written, and the best weights kept when validating.</summary>
    public long OptimizerState { get; private init; }

    /// <summary>What forward keeps for backward and backward's scratch, for batch × sequence tokens — logits included.</summary>
    public long Activations { get; private init; }

    /// <summary>See <see cref="RuntimeAllowance"/>.</summary>
    public long Runtime { get; private init; }

    public long Total => Weights + Gradients + OptimizerState + Activations + Runtime;

    /// <param name="sequenceLength">Tokens per row of a batch: max_seq_length, or the longest example when that is shorter.</param>
    /// <param name="hasValidation">Whether a validation set is given: the trainer then keeps a copy of the best weights.</param>
    public static MemoryEstimate For(LlamaConfig config, FineTuneOptions options, int sequenceLength, bool hasValidation)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(config);
        if (sequenceLength < 1 || sequenceLength > options.SequenceLimit(config))
            throw new ArgumentOutOfRangeException(nameof(sequenceLength), sequenceLength,
                $"The sequence length must be in [1, {options.SequenceLimit(config)}] (max_seq_length, or the model's context).");

        var adapter = options.Method.UsesAdapter();
        var quantized = options.Method == FineTuneMethod.Qlora;
        var trained = FineTuning.TrainableParameters.InModelOrAdapter(config, options);
        var head = FineTuning.TrainableParameters.InHead(config, options);
        // the model's own fp32 buffer: everything, or for QLoRA everything but the projections
        long modelFloats = new ParameterLayout(config, storeProjections: !quantized).Count;
        var adapterFloats = adapter ? trained : 0;
        // what the optimizer's groups hold as values: the model's buffer (full, HFT) or the adapter's, and the head
        var groupFloats = (adapter ? adapterFloats : modelFloats) + head;

        return new MemoryEstimate
        {
            Method = options.Method,
            BatchSize = options.BatchSize,
            SequenceLength = sequenceLength,
            TrainableParameters = trained + head,
            Weights = (modelFloats + adapterFloats + head) * FloatBytes + (quantized ? QuantizedBaseBytes(config) : 0),
            Gradients = (modelFloats + adapterFloats + head) * FloatBytes,
            OptimizerState = 4 * (trained + head) * FloatBytes + (hasValidation ? groupFloats * FloatBytes : 0),
            Activations = ActivationBytes(config, options, sequenceLength, hasValidation),
            Runtime = RuntimeAllowance,
        };
    }

    /// <summary>Null when the job fits in <paramref name="availableBytes"/>; otherwise why not, and what to change.</summary>
    public string? RefusalFor(long availableBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(availableBytes);
        if (Total <= availableBytes) return null;
        var remedies = new List<string> { $"lower batch_size (now {BatchSize}; raise gradient_accumulation_steps to keep the effective batch)", $"max_seq_length (now {SequenceLength})" };
        var cheaper = Method switch
        {
            FineTuneMethod.Full or FineTuneMethod.HalfFineTuning => "use lora or qlora",
            FineTuneMethod.Lora or FineTuneMethod.Dora => "use qlora",
            _ => null,
        };
        var advice = cheaper is null ? $"{remedies[0]} or {remedies[1]}" : $"{remedies[0]} or {remedies[1]}, or {cheaper}";
        return $"The {Method.Name()} job needs about {Format(Total)} ({Parts()}) but the worker has {Format(availableBytes)}; {advice}.";
    }

    public override string ToString() => $"{Method.Name()}: about {Format(Total)} ({Parts()})";

    private string Parts() =>
        $"weights {Format(Weights)}, gradients {Format(Gradients)}, optimizer state {Format(OptimizerState)}, " +
        $"activations {Format(Activations)} for batch {BatchSize} × {SequenceLength} tokens, runtime {Format(Runtime)}";

    private static string Format(long bytes) => bytes >= 1_000_000_000
        ? (bytes / 1e9).ToString("0.0", CultureInfo.InvariantCulture) + " GB"
        : (bytes / 1e6).ToString("0", CultureInfo.InvariantCulture) + " MB";

    /// <summary>QLoRA's projections in NF4 (codes and double-quantized scales), and the one matrix dequantized at a time.</summary>
    private static long QuantizedBaseBytes(LlamaConfig config)
    {
        var sites = LoraTargets.Sites(config, LoraTargets.All).ToList();
        // QuantizedBase quantizes each flattened matrix in 64-weight blocks
        var codes = sites.Sum(s => Nf4Tensor.ByteSizeFor(Blocks(s), Nf4Tensor.BlockSize));
        return codes + sites.Max(s => (long)s.Outputs * s.Inputs) * FloatBytes;
    }

    private static int Blocks(LoraTargets.Site site) => (int)(((long)site.Outputs * site.Inputs + Nf4Tensor.BlockSize - 1) / Nf4Tensor.BlockSize);

    /// <summary>
    /// The buffers of <c>Activations</c>, of the adapter's saved inputs, of the batches and of the
    /// pooled scratch that stays rented between steps, for N = batch × sequence tokens. The logits'
    /// gradient needs no buffer of its own: backward overwrites the logits with it.
    /// </summary>
    private static long ActivationBytes(LlamaConfig config, FineTuneOptions options, int sequenceLength, bool hasValidation)
    {
        long n = (long)options.BatchSize * sequenceLength;
        long c = config.HiddenSize, inner = config.IntermediateSize, heads = config.NumHeads;
        long q = heads * config.HeadDim, kv = (long)config.NumKeyValueHeads * config.HeadDim;
        // per layer: norm1, q, k, v, attended, log-sum-exp, mid, norm2, gate, up, hidden and two rstd
        var perLayer = n * (3 * c + 2 * q + 2 * kv + 3 * inner + heads + 2);
        // residuals, final norm and its rstd, logits and their log-sum-exp, scratch, and backward's d-buffers
        var shared = (config.NumLayers + 1) * n * c + n * c + n + n * config.VocabSize + n + n * c
                     + 2 * n * c + 3 * n * inner + 2 * n * q + 2 * n * kv;
        var rope = (long)sequenceLength * config.HeadDim;
        var floats = config.NumLayers * perLayer + shared + rope + AdapterActivationFloats(config, options, n);
        if (options.Task == FineTuneTask.SequenceClassification) floats += n * c; // d(features) from the head
        // positions; token ids, targets, last positions and labels per batch set
        var ints = n + (hasValidation ? 2 : 1) * (2 * n + 2L * options.BatchSize);
        return (floats + ints) * FloatBytes + PooledBytes(n);
    }

    /// <summary>
    /// Per adapted module: x·Aᵀ (N, r), LoRA's dropout mask (N, in), DoRA's output before the
    /// magnitude (N, out) and row norms; and the scratch LoRA and DoRA rent from the shared pool,
    /// which keeps one array per power-of-two size.
    /// </summary>
    private static long AdapterActivationFloats(LlamaConfig config, FineTuneOptions options, long n)
    {
        if (!options.Method.UsesAdapter()) return 0;
        var adapter = options.AdapterConfig();
        var sites = LoraTargets.Sites(config, adapter.TargetModules).ToList();
        long saved = 0;
        foreach (var s in sites)
        {
            saved += n * adapter.Rank;
            if (adapter.UseDora) saved += n * s.Outputs + s.Outputs;
            else if (adapter.Dropout > 0) saved += n * s.Inputs;
        }
        var rented = adapter.UseDora
            ? PooledSize(sites.Max(s => (long)s.Outputs * s.Inputs)) + sites.Select(s => PooledSize(n * s.Outputs + s.Outputs)).Distinct().Sum()
            : PooledSize(n * adapter.Rank) + sites.Select(s => PooledSize(n * s.Inputs)).Distinct().Sum();
        return saved + rented;
    }

    /// <summary>The loss's per-token doubles, rented from the shared pool.</summary>
    private static long PooledBytes(long n) => PooledSize(n) * sizeof(double);

    private static long PooledSize(long length) => (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(16, length));
}
