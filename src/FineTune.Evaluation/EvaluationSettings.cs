namespace FineTune.Evaluation;

/// <summary>The service's settings (section <c>Evaluation</c>).</summary>
public sealed class EvaluationSettings
{
    public const string Section = "Evaluation";

    /// <summary>Folder of base models, one Hugging Face folder per name.</summary>
    public string Models { get; set; } = Path.Combine(AppContext.BaseDirectory, "Models");

    /// <summary>Local scratch for downloaded candidates and data.</summary>
    public string WorkFolder { get; set; } = Path.Combine(Path.GetTempPath(), "finetune-evaluation");

    /// <summary>Test examples scored per model (the first of the split); the whole split when larger.</summary>
    public int TestLimit { get; set; } = 300;

    /// <summary>Examples from the train split shown in the few-shot baseline's prompt.</summary>
    public int FewShot { get; set; } = 3;

    /// <summary>The longest generated reply, in tokens.</summary>
    public int MaxNewTokens { get; set; } = 48;

    /// <summary>Windows of the general text scored for forgetting.</summary>
    public int ForgettingWindows { get; set; } = 64;
}
