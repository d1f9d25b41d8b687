namespace FineTune.Models.Evaluation;

/// <summary>Which held-out metric family a task is judged by; it decides what <see cref="TaskScore.Score"/> means.</summary>
public enum TaskKind
{
    /// <summary>Free-text answers: headline is the SQuAD-normalised exact-match rate.</summary>
    ExactMatch,

    /// <summary>Structured JSON output: headline is the mean per-example field accuracy.</summary>
    JsonFields,

    /// <summary>Generated text mapped to a class name: headline is macro-F1.</summary>
    Classification,
}
