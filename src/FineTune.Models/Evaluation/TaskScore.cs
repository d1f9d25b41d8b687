namespace FineTune.Models.Evaluation;

/// <summary>
/// One number per task for the evidence report, in [0, 1] whatever the task kind, plus the secondary numbers that
/// explain it. A secondary number is null where it does not apply to the kind, rather than a misleading 0.
/// </summary>
/// <param name="Kind">The metric family that defines <paramref name="Score"/>.</param>
/// <param name="Examples">How many examples were scored.</param>
/// <param name="Score">Exact-match rate, mean field accuracy (invalid JSON counting 0), or macro-F1.</param>
/// <param name="ValidJsonRate">JsonFields only: fraction of predictions that parsed as a JSON object.</param>
/// <param name="ExactMatchRate">ExactMatch: the normalised exact-match rate. JsonFields: fraction of examples with every reference field right.</param>
/// <param name="Accuracy">Classification only: fraction of predictions mapped to the reference class.</param>
/// <param name="TokenF1Mean">ExactMatch only: mean SQuAD token F1, the partial credit exact match does not give.</param>
public sealed record TaskScore(
    TaskKind Kind,
    int Examples,
    double Score,
    double? ValidJsonRate = null,
    double? ExactMatchRate = null,
    double? Accuracy = null,
    double? TokenF1Mean = null);
