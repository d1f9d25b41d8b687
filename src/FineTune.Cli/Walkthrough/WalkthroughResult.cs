namespace FineTune.Cli.Walkthrough;

/// <summary>
/// What a walkthrough did: every stage with its outcome and time, the ids it made (dataset version,
/// job, model version), the gate's verdict, the answers compared, and the failure that stopped it.
/// </summary>
public sealed record WalkthroughResult
{
    public required IReadOnlyList<WalkthroughStage> Stages { get; init; }
    public string? DatasetVersion { get; init; }
    public string? JobId { get; init; }
    public string? ModelVersion { get; init; }
    public bool? GatePassed { get; init; }
    public IReadOnlyList<AnswerComparison> Answers { get; init; } = [];
    /// <summary>Why the walkthrough stopped early; null when every stage ran.</summary>
    public string? Failure { get; init; }

    public bool Succeeded => Failure is null;
}

/// <summary>One numbered stage: what it came to, whether it worked, and how long it took.</summary>
public sealed record WalkthroughStage(int Number, string Name, string Result, bool Ok, TimeSpan Elapsed);

/// <summary>A held-out question with the answer the dataset expects, the fine-tuned model's and the base model's.</summary>
public sealed record AnswerComparison(string Question, string Expected, string FineTuned, string Base);
