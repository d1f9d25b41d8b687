namespace FineTune.Datasets.Safety;

/// <summary>
/// Judges one model output against the prompt that produced it. The rule-based
/// <see cref="LexiconSafetyScreen"/> is the first implementation; a learned classifier can take its
/// place behind this interface without the reports changing.
/// </summary>
public interface ISafetyScreen
{
    /// <summary>A short name for reports, so a verdict can be traced to the screen that gave it.</summary>
    string Name { get; }

    SafetyVerdict Screen(string prompt, string output);
}

/// <summary>
/// What a screen decided about one output: whether it is unsafe and under which categories, whether
/// the model refused, and a human-readable reason per finding so a reviewer can check the call.
/// </summary>
public sealed record SafetyVerdict(bool Unsafe, IReadOnlyList<string> Categories, bool Refused, IReadOnlyList<string> Reasons)
{
    public static SafetyVerdict Refusal { get; } = new(false, [], true, ["the output refuses"]);
}
