namespace FineTune.Inference;

/// <summary>The service's settings (section <c>Inference</c>).</summary>
public sealed class InferenceSettings
{
    public const string Section = "Inference";

    /// <summary>Folder of base models, one Hugging Face folder per name; each is also served under its name.</summary>
    public string Models { get; set; } = Path.Combine(AppContext.BaseDirectory, "Models");

    /// <summary>Local scratch for downloaded adapters and models.</summary>
    public string WorkFolder { get; set; } = Path.Combine(Path.GetTempPath(), "finetune-inference");
}
