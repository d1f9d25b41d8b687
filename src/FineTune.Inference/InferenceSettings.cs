namespace FineTune.Inference;

/// <summary>The service's settings (section <c>Inference</c>).</summary>
public sealed class InferenceSettings
{
    public const string Section = "Inference";

    /// <summary>Folder of base models, one Hugging Face folder per name; each is also served under its name.</summary>
    public string Models { get; set; } = Path.Combine(AppContext.BaseDirectory, "Models");

    /// <summary>Local scratch for downloaded adapters and models.</summary>
    public string WorkFolder { get; set; } = Path.Combine(Path.GetTempPath(), "finetune-inference");

    /// <summary>Int8 (default) serves the decoder's projections from 8-bit copies, a quarter of the bytes per token; Float32 serves the weights as trained.</summary>
    public FineTune.Models.Llama.WeightPrecision Weights { get; set; } = FineTune.Models.Llama.WeightPrecision.Int8;

    /// <summary>Sequences one model decodes together at most.</summary>
    public int MaxBatch { get; set; } = 16;

    /// <summary>Tokens one step may process (decodes first, then prompt chunks).</summary>
    public int StepTokens { get; set; } = 256;

    /// <summary>KV-cache blocks of 16 tokens per model: admission waits when they are all reserved.</summary>
    public int CacheBlocks { get; set; } = 1024;

    /// <summary>Requests that may wait for a slot; beyond it a request gets 429 with Retry-After.</summary>
    public int QueueLimit { get; set; } = 64;

    /// <summary>
    /// Memory for registered versions kept loaded (adapters, and fully fine-tuned models with their own
    /// batcher); past it the least recently used idle version is unloaded. Base models are not counted.
    /// </summary>
    public int LoadedVersionsMegabytes { get; set; } = 2048;

    public FineTune.Models.Serving.SchedulerSettings Batching => new(MaxBatch, StepTokens, BlockSize: 16, CacheBlocks, QueueLimit);
}
