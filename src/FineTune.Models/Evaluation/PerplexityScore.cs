namespace FineTune.Models.Evaluation;

/// <summary>
/// How well a model predicts reference replies token by token, the teacher-forced counterpart of a generation score:
/// it moves smoothly with training even while greedy replies are still wrong.
/// </summary>
/// <param name="Perplexity">exp(<paramref name="MeanLoss"/>).</param>
/// <param name="MeanLoss">Mean next-token cross-entropy (nats) over every scored reply token of every record.</param>
/// <param name="Tokens">How many reply tokens were scored (assistant content and the end-of-turn token that closes it).</param>
public sealed record PerplexityScore(double Perplexity, double MeanLoss, long Tokens);
